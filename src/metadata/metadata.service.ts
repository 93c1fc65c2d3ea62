import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { GrantRegistry } from '../token/grants/grant-registry.js';
import {
  buildMetadata,
  type AuthorizationServerMetadata,
} from './authorization-server-metadata.js';

/** Distinct request origins remembered when the issuer is derived (development only). */
const MAX_DERIVED_DOCUMENTS = 16;

/**
 * The authorization server metadata (RFC 8414), built from the live configuration once per
 * process. With a configured `issuer` there is exactly one document, built at construction.
 * Without one (development), the issuer is the origin of the request that fetched the document
 * (§3.3: it must equal the URL the well-known path was appended to): a document is built per
 * origin and a few are remembered, so varying `Host` headers cannot grow memory.
 * @publicApi
 */
@Injectable()
export class AuthorizationServerMetadataService implements OnApplicationBootstrap {
  private readonly logger = new Logger('SentinelMetadata');
  private readonly grantTypes: readonly string[];
  private readonly configured?: Readonly<AuthorizationServerMetadata>;
  private readonly derived = new Map<string, Readonly<AuthorizationServerMetadata>>();

  constructor(
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    grants: GrantRegistry,
  ) {
    this.grantTypes = grants.grantTypes;
    if (options.issuer !== undefined) {
      this.configured = this.build(options.issuer, new URL(options.issuer).origin);
    }
  }

  /** Whether the issuer is configured (one static, cacheable document) or derived per request. */
  get hasConfiguredIssuer(): boolean {
    return this.configured !== undefined;
  }

  /**
   * The metadata document. The same frozen object every time for a given issuer.
   * @param requestOrigin the origin of the request, e.g. `http://localhost:3000`; used only
   *   when no issuer is configured, and then required.
   */
  document(requestOrigin?: string): Readonly<AuthorizationServerMetadata> {
    if (this.configured !== undefined) return this.configured;
    if (requestOrigin === undefined) {
      throw new Error('No issuer is configured: the request origin is needed to derive it');
    }
    const known = this.derived.get(requestOrigin);
    if (known !== undefined) return known;
    const document = this.build(requestOrigin, requestOrigin);
    if (this.derived.size < MAX_DERIVED_DOCUMENTS) this.derived.set(requestOrigin, document);
    return document;
  }

  onApplicationBootstrap(): void {
    if (this.options.metadataPath !== false && this.options.issuer === undefined) {
      this.logger.warn(
        'No `issuer` configured: the metadata at ' +
          `${this.options.metadataPath} derives it from each request's Host (development only). ` +
          'Set `issuer` to your https URL in production.',
      );
    }
  }

  private build(issuer: string, origin: string): Readonly<AuthorizationServerMetadata> {
    return deepFreeze(
      buildMetadata({ issuer, origin, options: this.options, grantTypes: this.grantTypes }),
    );
  }
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const field of Object.values(value)) {
    if (typeof field === 'object' && field !== null) Object.freeze(field);
  }
  return Object.freeze(value);
}
