import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ManagementException } from './management.errors.js';
import { isStateChanging, singleHeader, type ManagementRequest } from './management-request.js';

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
 * "Same origin" compares the `Origin` host and port with the `Host` header, so it holds behind
 * a TLS-terminating proxy as long as the proxy passes `Host` through.
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

  /** Whether `origin` names the host the request was sent to. Protected for proxy setups. */
  protected isSameOrigin(origin: string, request: ManagementRequest): boolean {
    const host = singleHeader(request, 'host');
    if (host === undefined) return false;
    try {
      const url = new URL(origin);
      return url.origin !== 'null' && url.host === new URL(`${url.protocol}//${host}`).host;
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
