import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { constantTimeEqual } from '../crypto/constant-time.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { ManagementLoginThrottle } from './login-throttle.js';
import { ManagementException } from './management.errors.js';
import { clientAddress, singleHeader, type ManagementRequest } from './management-request.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Username and password of an HTTP Basic `Authorization` header (RFC 7617). */
export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * HTTP Basic authentication of the management API and console (docs/security.md 15):
 *
 * - an address locked out by {@link ManagementLoginThrottle} → 429 with `Retry-After`, whatever
 *   it sends;
 * - no or malformed credentials, or wrong ones → 401 `WWW-Authenticate: Basic realm="…"`;
 *   wrong and malformed ones count as failures;
 * - username and password are both compared, each in constant time over SHA-256 digests, so
 *   neither their lengths nor the first difference show in the timing.
 *
 * With `management.dangerouslyAllowUnauthenticated` every request passes. Without credentials
 * and without that option management is off: 404 (reachable only with `forRootAsync`, whose
 * options are known after the routes are mounted).
 */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  constructor(
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    private readonly throttle: ManagementLoginThrottle,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const { username, password, dangerouslyAllowUnauthenticated } = this.options.management;
    if (username === undefined || password === undefined) {
      if (dangerouslyAllowUnauthenticated) return true;
      throw ManagementException.notFound('Management is not enabled');
    }
    const request = this.getRequest(context);
    const address = clientAddress(request);
    const retryAfter = this.throttle.retryAfterSeconds(address);
    if (retryAfter > 0) throw ManagementException.tooManyRequests(retryAfter);

    const header = singleHeader(request, 'authorization');
    if (header === undefined || !/^basic /i.test(header)) {
      throw ManagementException.unauthorized(this.options.realm);
    }
    const credentials = parseBasic(header);
    // Both comparisons always run: no short-circuit tells which of the two was wrong.
    const usernameMatches = constantTimeEqual(credentials?.username ?? '', username);
    const passwordMatches = constantTimeEqual(credentials?.password ?? '', password);
    if (credentials && usernameMatches && passwordMatches) {
      this.throttle.recordSuccess(address);
      return true;
    }
    this.throttle.recordFailure(address);
    throw ManagementException.unauthorized(this.options.realm);
  }

  protected getRequest(context: ExecutionContext): ManagementRequest {
    return context.switchToHttp().getRequest<ManagementRequest>();
  }
}

/** Decodes `Basic <base64(user:password)>` as UTF-8; `undefined` when malformed. */
export function parseBasic(header: string): BasicCredentials | undefined {
  const encoded = header.slice('basic '.length).trim();
  if (!BASE64.test(encoded)) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
