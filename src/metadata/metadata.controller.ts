import { Controller, Get, Header, Req, type Type, UseFilters } from '@nestjs/common';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { AuthorizationServerMetadata } from './authorization-server-metadata.js';
import { AuthorizationServerMetadataService } from './metadata.service.js';

/** A configured issuer's document is the same for everyone and changes only with a redeploy. */
export const CONFIGURED_METADATA_CACHE_CONTROL = 'public, max-age=3600';
/** A derived issuer depends on the request's Host: no shared cache may keep it. */
export const DERIVED_METADATA_CACHE_CONTROL = 'no-store';

// host[:port], or [IPv6][:port]: what may follow "http://" in an origin.
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The parts of an Express or Fastify request used to derive the origin. */
interface OriginRequest {
  /** Express 5 and Fastify 5: `http` or `https`, honouring the trust-proxy setting. */
  protocol?: unknown;
  /** Express 5 and Fastify 5: host and port, honouring the trust-proxy setting. */
  host?: unknown;
  headers?: Record<string, unknown>;
}

/**
 * Serves the authorization server metadata (RFC 8414 §3) built by
 * {@link AuthorizationServerMetadataService}; {@link createMetadataController} mounts it at the
 * well-known path and fixes its `Cache-Control`.
 */
@UseFilters(OAuthExceptionFilter)
export class MetadataController {
  constructor(private readonly metadata: AuthorizationServerMetadataService) {}

  protected respond(request: unknown): Readonly<AuthorizationServerMetadata> {
    return this.metadata.hasConfiguredIssuer
      ? this.metadata.document()
      : this.metadata.document(this.getOrigin(request));
  }

  /**
   * The origin the client used, as the platform reports it (so `trust proxy` decides whether
   * `X-Forwarded-*` count). Only used when no issuer is configured.
   * @throws OAuthException 400 `invalid_request` for a missing or malformed host.
   */
  protected getOrigin(request: unknown): string {
    const req = request as OriginRequest;
    const protocol = req.protocol === 'https' ? 'https' : 'http';
    const host = typeof req.host === 'string' && req.host !== '' ? req.host : req.headers?.host;
    if (typeof host !== 'string' || !HOST.test(host)) {
      throw OAuthException.invalidRequest('The Host header is missing or malformed');
    }
    return `${protocol}://${host.toLowerCase()}`;
  }
}

/**
 * A fresh {@link MetadataController} subclass mounted at `path`, answering GET with the document
 * and the `Cache-Control` that suits it.
 */
export function createMetadataController(
  path: string,
  issuerConfigured: boolean,
): Type<MetadataController> {
  const cacheControl = issuerConfigured
    ? CONFIGURED_METADATA_CACHE_CONTROL
    : DERIVED_METADATA_CACHE_CONTROL;

  @Controller(path)
  class SentinelMetadataController extends MetadataController {
    @Get()
    @Header('Cache-Control', cacheControl)
    document(@Req() request: unknown): Readonly<AuthorizationServerMetadata> {
      return this.respond(request);
    }
  }
  return SentinelMetadataController;
}
