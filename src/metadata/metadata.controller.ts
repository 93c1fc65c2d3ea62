import { Get, Req, Res, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
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
 * {@link AuthorizationServerMetadataService}, without a path: the module mounts it at the
 * well-known path (`mountController`). A configured issuer's document may be cached by anyone; a
 * derived one by no one.
 */
@UseFilters(OAuthExceptionFilter)
export class MetadataController {
  constructor(
    private readonly metadata: AuthorizationServerMetadataService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  @Get()
  document(
    @Req() request: unknown,
    @Res({ passthrough: true }) response: unknown,
  ): Readonly<AuthorizationServerMetadata> {
    const configured = this.metadata.hasConfiguredIssuer;
    const document = configured
      ? this.metadata.document()
      : this.metadata.document(this.getOrigin(request));
    this.adapterHost.httpAdapter.setHeader(
      response,
      'Cache-Control',
      configured ? CONFIGURED_METADATA_CACHE_CONTROL : DERIVED_METADATA_CACHE_CONTROL,
    );
    return document;
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
