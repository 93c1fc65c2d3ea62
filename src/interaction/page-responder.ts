import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { errorName } from '../outage-log.js';
import { StorageUnavailableError } from '../storage/storage.errors.js';
import { type CookieScope } from './browser-binding.js';
import { BUILT_IN_PAGES } from './pages/built-in-pages.js';
import { pageHeaders } from './pages/page-headers.js';
import type { ErrorPageView, SentinelPageTemplates } from './pages/page-views.js';

/** What a page answer may add: a cookie, a form target beyond this origin, more headers. */
export interface PageExtras {
  /** A `Set-Cookie` value. */
  cookie?: string;
  /** A CSP source the page's forms may end up at (the client's redirect, page-headers.ts). */
  formTarget?: string;
  headers?: Record<string, string>;
}

/**
 * Writes the interaction pages' answers on Express or Fastify alike (through Nest's HTTP
 * adapter): a rendered page with the headers of docs/security.md 28, or a `303 See Other`
 * (RFC 9700 §4.12: never 307 after a form post, which would resend the password). Templates are
 * the built-in pages with the host's replacements (`interaction.templates`).
 */
@Injectable()
export class PageResponder {
  private readonly logger = new Logger('SentinelPages');
  private readonly templates: SentinelPageTemplates;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {
    this.templates = { ...BUILT_IN_PAGES, ...options.interaction.templates };
  }

  /** The cookie's scope for `request`: the route prefix; `Secure` on https. */
  cookieScope(request: unknown): CookieScope {
    const issuer = this.options.issuer;
    const https =
      issuer !== undefined
        ? issuer.startsWith('https:')
        : (request as { protocol?: unknown }).protocol === 'https';
    return { path: this.options.routePrefix, secure: https };
  }

  /** Renders `page` with `view` and sends it with `status`. */
  page<K extends keyof SentinelPageTemplates>(
    response: unknown,
    status: number,
    page: K,
    view: Parameters<SentinelPageTemplates[K]>[0],
    extras: PageExtras = {},
  ): void {
    let html: string;
    try {
      html = (this.templates[page] as (view: unknown) => string)(view);
    } catch (error) {
      // A host template failed: say so in the log, show the built-in error page.
      this.logger.error(`The ${page} page template threw ${errorName(error)}`);
      this.send(response, 500, BUILT_IN_PAGES.error(TEMPLATE_FAILED), {});
      return;
    }
    this.send(response, status, html, extras);
  }

  /** An error page. */
  error(response: unknown, status: number, view: ErrorPageView, extras: PageExtras = {}): void {
    this.page(response, status, 'error', view, extras);
  }

  /**
   * The page for an error no step handled: a store that is down is a 503 with `Retry-After`
   * (docs/security.md 18, nothing was decided); a malformed request its 4xx with the
   * protocol's description; anything else is logged by class only and a 500.
   */
  failure(response: unknown, error: unknown): void {
    if (error instanceof StorageUnavailableError || error instanceof CacheUnavailableError) {
      return this.error(response, 503, UNAVAILABLE, { headers: { 'Retry-After': '5' } });
    }
    if (error instanceof OAuthException && error.getStatus() < 500) {
      const view = { title: 'This request cannot be used', message: error.description ?? '' };
      return this.error(response, error.getStatus(), view, { headers: { ...error.headers } });
    }
    if (error instanceof OAuthException) {
      return this.error(response, error.getStatus(), UNAVAILABLE, {
        headers: { ...error.headers },
      });
    }
    this.logger.error(`An interaction page failed with ${errorName(error)}`);
    this.error(response, 500, TEMPLATE_FAILED);
  }

  /** `303 See Other` to `location`, never cached and sending no referrer. */
  redirect(response: unknown, location: string, cookie?: string): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.setHeader(response, 'Pragma', 'no-cache');
    adapter.setHeader(response, 'Referrer-Policy', 'no-referrer');
    if (cookie !== undefined) adapter.setHeader(response, 'Set-Cookie', cookie);
    adapter.redirect(response, 303, location);
  }

  private send(response: unknown, status: number, html: string, extras: PageExtras): void {
    const adapter = this.adapterHost.httpAdapter;
    const headers = { ...pageHeaders(extras.formTarget), ...extras.headers };
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    if (extras.cookie !== undefined) adapter.setHeader(response, 'Set-Cookie', extras.cookie);
    adapter.reply(response, html, status);
  }
}

const UNAVAILABLE: ErrorPageView = {
  title: 'Temporarily unavailable',
  message: 'The sign-in service cannot be reached right now. Try again in a few seconds.',
};

const TEMPLATE_FAILED: ErrorPageView = {
  title: 'Something went wrong',
  message: 'This page could not be shown. Try again later.',
};
