import { Get, Req, Res, UseFilters } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import type { AuthorizationServerMetadata } from './authorization-server-metadata.js';
import { AuthorizationServerMetadataService } from './metadata.service.js';
import { requestOrigin } from './request-origin.js';

/** A configured issuer's document is the same for everyone and changes only with a redeploy. */
export const CONFIGURED_METADATA_CACHE_CONTROL = 'public, max-age=3600';
/** A derived issuer depends on the request's Host: no shared cache may keep it. */
export const DERIVED_METADATA_CACHE_CONTROL = 'no-store';

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
      : this.metadata.document(requestOrigin(request));
    this.adapterHost.httpAdapter.setHeader(
      response,
      'Cache-Control',
      configured ? CONFIGURED_METADATA_CACHE_CONTROL : DERIVED_METADATA_CACHE_CONTROL,
    );
    return document;
  }
}
