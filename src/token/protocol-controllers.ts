import type { Provider, Type } from '@nestjs/common';
import { IntrospectionRateLimiter } from '../introspection/introspection-rate-limiter.js';
import { createIntrospectionController } from '../introspection/introspection.controller.js';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { createMetadataController } from '../metadata/metadata.controller.js';
import { AuthorizationServerMetadataService } from '../metadata/metadata.service.js';
import { createRevocationController } from '../revocation/revocation.controller.js';
import { RevocationEndpointService } from '../revocation/revocation-endpoint.service.js';
import type { ResolvedSentinelOptions } from '../sentinel-options.js';

/**
 * Controllers of the protocol endpoints beside the token endpoint, mounted at the paths the
 * (static) route options give; a disabled endpoint has no controller, so it is a plain 404:
 *
 * - revocation (RFC 7009) at `revocationPath`;
 * - introspection (RFC 7662) at `introspectionPath`;
 * - server metadata (RFC 8414) at `metadataPath`, outside the route prefix.
 */
export function createProtocolControllers(options: ResolvedSentinelOptions): Type[] {
  const controllers: Type[] = [];
  if (options.revocationPath !== false) {
    controllers.push(createRevocationController(options.revocationPath));
  }
  if (options.introspectionPath !== false) {
    controllers.push(createIntrospectionController(options.introspectionPath));
  }
  if (options.metadataPath !== false) {
    controllers.push(createMetadataController(options.metadataPath, options.issuer !== undefined));
  }
  return controllers;
}

/**
 * Providers of those endpoints, part of `TOKEN_PROVIDERS`. Beside the token endpoint's ports
 * they use `SENTINEL_REDIS` (optional: the introspection limiter counts in memory without it).
 */
export const PROTOCOL_PROVIDERS: Provider[] = [
  RevocationEndpointService,
  IntrospectionService,
  IntrospectionRateLimiter,
  AuthorizationServerMetadataService,
];
