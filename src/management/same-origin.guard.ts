import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ManagementException } from './management.errors.js';
import {
  isStateChanging,
  requestScheme,
  singleHeader,
  type ManagementRequest,
} from './management-request.js';

const JSON_MEDIA_TYPE = 'application/json';
const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);
const CROSS_SITE = 'Cross-origin requests to management are refused';

/**
 * CSRF defence of the management API (ADR 0005). Browsers send cached Basic credentials with
 * cross-site requests, so authentication alone does not stop a forged request.
 *
 * - A request whose `Origin` header is present and not this server's origin → 403, whatever
 *   its method (also protects reads if the host enables permissive CORS).
 * - A state-changing request marked `Sec-Fetch-Site: cross-site` or `same-site` → 403.
 * - POST, PUT and PATCH must be `Content-Type: application/json` (UTF-8) → otherwise 415. An
 *   HTML form cannot send that type, and a cross-site `fetch` with it needs a CORS preflight
 *   that management never answers.
 *
 * "Same origin" is the RFC 6454 §5 comparison: scheme, host and port of the `Origin` header
 * against the request's scheme (the platform's `protocol`, so `X-Forwarded-Proto` counts only
 * behind a proxy the host trusts) and its `Host` header, default ports normalized (issue 15,
 * ADR 0015). Behind a TLS-terminating proxy, pass `Host` through and trust the proxy.
 */
@Injectable()
export class SameOriginGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<ManagementRequest>();
    const origin = singleHeader(request, 'origin');
    if (origin !== undefined && !this.isSameOrigin(origin, request)) {
      throw ManagementException.forbidden(CROSS_SITE);
    }
    if (!isStateChanging(request.method)) return true;
    const site = singleHeader(request, 'sec-fetch-site');
    if (site === 'cross-site' || site === 'same-site') {
      throw ManagementException.forbidden(CROSS_SITE);
    }
    if (request.method?.toUpperCase() !== 'DELETE' && !isJson(request.headers['content-type'])) {
      throw ManagementException.unsupportedMediaType();
    }
    return true;
  }

  /** Whether `origin` is the origin the request was sent to. Protected for proxy setups. */
  protected isSameOrigin(origin: string, request: ManagementRequest): boolean {
    const host = singleHeader(request, 'host');
    if (host === undefined) return false;
    try {
      const presented = new URL(origin).origin;
      const own = new URL(`${requestScheme(request)}://${host}`);
      // A Host header with a path, credentials or query is not a host.
      if (own.pathname !== '/' || own.username !== '' || own.search !== '') return false;
      return presented !== 'null' && presented === own.origin;
    } catch {
      return false;
    }
  }
}

/** `application/json`, optionally with a UTF-8 `charset` parameter. */
export function isJson(contentType: string | undefined): boolean {
  const [mediaType, ...parameters] = (contentType ?? '').split(';');
  if (mediaType.trim().toLowerCase() !== JSON_MEDIA_TYPE) return false;
  return parameters.every((parameter) => {
    const [name, value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') return true;
    return UTF8_CHARSETS.has(
      value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase(),
    );
  });
}
