import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { SentinelConfigError } from './option-checks.js';

/**
 * RFC 6749 §5.2: `error_uri` is a URI-reference of `%x21 / %x23-5B / %x5D-7E`, which also lets
 * it be quoted in a `WWW-Authenticate` header (RFC 6750 §3).
 */
const ERROR_URI = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const ERROR_CODES: readonly string[] = Object.values(OAuthErrorCode);

/** The `error_uri` option: checked like every other URI the module sends. */
export function resolveErrorUri(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ERROR_URI.test(value)) {
    throw new SentinelConfigError(
      field,
      'must be a non-empty URI of the characters RFC 6749 §5.2 allows in error_uri',
    );
  }
  return value;
}

/**
 * `errorUris` (Authlib's `OAUTH2_ERROR_URIS`): an `error_uri` per error code, beside the single
 * `errorUri` every other code falls back to. Keys must be error codes this server sends.
 */
export function resolveErrorUris(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SentinelConfigError('errorUris', 'must be an object keyed by error code');
  }
  const resolved: Record<string, string> = Object.create(null);
  for (const [code, uri] of Object.entries(value as Record<string, unknown>)) {
    if (!ERROR_CODES.includes(code)) {
      throw new SentinelConfigError(
        `errorUris.${code}`,
        `is not an error code (one of ${ERROR_CODES.join(', ')})`,
      );
    }
    resolved[code] = resolveErrorUri(`errorUris.${code}`, uri)!;
  }
  return Object.freeze(resolved);
}

/** The `error_uri` for `code`: its own, else the global `errorUri`, else none. */
export function errorUriOf(
  options: { errorUri?: string; errorUris: Readonly<Record<string, string>> },
  code: string,
): string | undefined {
  return options.errorUris[code] ?? options.errorUri;
}
