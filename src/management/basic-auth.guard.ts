import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { clientAddress } from '../abuse/client-address.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { ManagementLoginThrottle } from './login-throttle.js';
import { ManagementException } from './management.errors.js';
import { singleHeader, type ManagementRequest } from './management-request.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Requests whose platform gave no address share one counter. */
const UNKNOWN_ADDRESS = 'unknown';

/** Username and password of an HTTP Basic `Authorization` header (RFC 7617). */
export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * HTTP Basic authentication of the management API and console (docs/security.md 15):
 *
 * - no credentials (a browser's first request) → 401 `WWW-Authenticate: Basic realm="…"`,
 *   not counted;
 * - every request with a Basic header is counted by {@link ManagementLoginThrottle} before it
 *   is checked (per address, IPv6 per /64, and in total; ADR 0016); while locked → 429 with
 *   `Retry-After`, the right password too;
 * - malformed credentials (RFC 7617: strict base64, a colon, UTF-8) or wrong ones → 401;
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

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { username, password, dangerouslyAllowUnauthenticated } = this.options.management;
    if (username === undefined || password === undefined) {
      if (dangerouslyAllowUnauthenticated) return true;
      throw ManagementException.notFound('Management is not enabled');
    }
    const request = this.getRequest(context);
    const header = singleHeader(request, 'authorization');
    if (header === undefined || !/^basic /i.test(header)) {
      throw ManagementException.unauthorized(this.options.realm);
    }
    const attempt = await this.throttle.begin(clientAddress(request) ?? UNKNOWN_ADDRESS);
    const credentials = parseBasic(header);
    // Both comparisons always run: no short-circuit tells which of the two was wrong.
    const usernameMatches = constantTimeEqual(credentials?.username ?? '', username);
    const passwordMatches = constantTimeEqual(credentials?.password ?? '', password);
    if (credentials && usernameMatches && passwordMatches) {
      await attempt.succeeded();
      return true;
    }
    attempt.failed();
    throw ManagementException.unauthorized(this.options.realm);
  }

  protected getRequest(context: ExecutionContext): ManagementRequest {
    return context.switchToHttp().getRequest<ManagementRequest>();
  }
}

/**
 * Decodes `Basic <base64(user:password)>` as UTF-8; `undefined` when malformed. RFC 7617 §2
 * expects valid base64 (RFC 4648 §4): whole groups of four with canonical padding. Node's decoder
 * silently drops a trailing partial group, so the bytes are re-encoded and must give back the
 * exact text — a credential with a character appended is refused (issue 15).
 */
export function parseBasic(header: string): BasicCredentials | undefined {
  const encoded = header.slice('basic '.length).trim();
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64') !== encoded) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
