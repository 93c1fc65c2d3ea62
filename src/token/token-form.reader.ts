import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { OAuthException } from '../errors/oauth.exception.js';
import type { TokenForm } from './grants/grant.js';

/** Largest token request body read, in bytes (docs/security.md 2). Bigger bodies get 413 before any hashing. */
export const MAX_TOKEN_BODY_BYTES = 64 * 1024;

/** Parameters that carry credentials or drive a grant; refused in the query string (docs/security.md 1). */
export const QUERY_FORBIDDEN_PARAMETERS: readonly string[] = [
  'client_secret',
  'password',
  'refresh_token',
  'username',
  'client_id',
  'grant_type',
];

/**
 * What the revocation (RFC 7009) and introspection (RFC 7662) endpoints refuse in the query
 * string: the token endpoint's list plus the `token` being revoked or introspected.
 */
export const TOKEN_PARAMETER_QUERY_FORBIDDEN: readonly string[] = [
  ...QUERY_FORBIDDEN_PARAMETERS,
  'token',
];

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
const UTF8_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * The parts of an Express request, a Fastify request (which wraps the Node request in `raw`) or
 * a bare Node request that the reader looks at.
 */
interface RequestLike {
  url?: string;
  originalUrl?: string;
  headers?: IncomingHttpHeaders;
  body?: unknown;
  /** Set by Nest when the app was created with `rawBody: true`. */
  rawBody?: unknown;
  /** Fastify: the Node request. */
  raw?: Readable & { url?: string };
}

/**
 * Reads the token request's form FLAT and platform-agnostically (RFC 6749 §3.2, docs/security.md 1–2),
 * without global middleware and without changing the host app's body parsing:
 *
 * 1. credential and grant parameters in the query string → 400 `invalid_request`;
 * 2. `Content-Type` other than `application/x-www-form-urlencoded` (a UTF-8 `charset` parameter
 *    is allowed) → 400 `invalid_request`. 400 rather than 415 because clients of the token
 *    endpoint expect an RFC 6749 §5.2 error, whose codes are all 400 (or 401);
 * 3. a declared or actual body over {@link MAX_TOKEN_BODY_BYTES} → 413 `invalid_request`;
 * 4. the body itself, from the first source available:
 *    - `req.rawBody` (app created with `rawBody: true`): parsed with `URLSearchParams`;
 *    - the unread body stream (app created with `bodyParser: false`): read here, capped, and
 *      parsed with `URLSearchParams`;
 *    - otherwise the host's parsed `req.body` (possibly `qs` with `extended: true`): only string
 *      values are accepted — an array means a repeated parameter, an object means bracket syntax
 *      such as `password[$ne]=x`; both → 400 `invalid_request` naming the parameter. The host's
 *      parser applied its own limit (Express: 100 kB) and, for a chunked body without
 *      `Content-Length`, the cap is applied to the decoded parameters.
 *
 * With `URLSearchParams` a name given twice is 400 `invalid_request`, and `password[$ne]` is just
 * an unknown literal name, ignored. Empty values count as omitted; unknown names are kept but no
 * grant reads them. The result holds strings only, so nothing else can ever reach a store.
 */
@Injectable()
export class TokenFormReader {
  /**
   * Reads and validates the form of `request` (an Express, Fastify or Node request).
   * @param queryForbidden parameters refused in the query string; the token endpoint's by default.
   */
  async read(
    request: unknown,
    queryForbidden: readonly string[] = QUERY_FORBIDDEN_PARAMETERS,
  ): Promise<TokenForm> {
    const req = request as RequestLike;
    this.assertNoCredentialsInQuery(
      req.originalUrl ?? req.url ?? req.raw?.url ?? '',
      queryForbidden,
    );
    const headers = req.headers ?? {};
    this.assertFormMediaType(headers['content-type']);
    this.assertDeclaredLength(headers['content-length']);

    if (Buffer.isBuffer(req.rawBody)) {
      if (req.rawBody.length > MAX_TOKEN_BODY_BYTES) {
        throw OAuthException.payloadTooLarge(MAX_TOKEN_BODY_BYTES);
      }
      return parseFlat(decodeUtf8(req.rawBody));
    }
    const stream = this.getBodyStream(req);
    if (stream && isUnread(stream)) {
      return parseFlat(decodeUtf8(await readCapped(stream, MAX_TOKEN_BODY_BYTES)));
    }
    return this.fromParsedBody(req.body);
  }

  /** The Node request stream: `req.raw` on Fastify, the request itself on Express. */
  protected getBodyStream(req: RequestLike): Readable | undefined {
    const candidate = (req.raw ?? req) as Partial<Readable>;
    return typeof candidate.on === 'function' && typeof candidate.readableEnded === 'boolean'
      ? (candidate as Readable)
      : undefined;
  }

  protected assertNoCredentialsInQuery(
    url: string,
    forbidden: readonly string[] = QUERY_FORBIDDEN_PARAMETERS,
  ): void {
    const start = url.indexOf('?');
    if (start < 0) return;
    const query = new URLSearchParams(url.slice(start + 1).split('#')[0]);
    for (const name of query.keys()) {
      // `password[x]` would become `password` under a qs-style parser.
      const base = name.split('[')[0];
      if (forbidden.includes(base)) {
        throw OAuthException.invalidRequest(
          `Parameter ${base} must be sent in the request body, not in the query string`,
        );
      }
    }
  }

  protected assertFormMediaType(contentType: string | undefined): void {
    const [mediaType, ...parameters] = (contentType ?? '').split(';');
    if (mediaType.trim().toLowerCase() !== FORM_MEDIA_TYPE) {
      throw OAuthException.invalidRequest(`Content-Type must be ${FORM_MEDIA_TYPE}`);
    }
    for (const parameter of parameters) {
      const [name, value = ''] = parameter.split('=');
      if (name.trim().toLowerCase() !== 'charset') continue;
      const charset = value
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
      if (!UTF8_CHARSETS.has(charset)) {
        throw OAuthException.invalidRequest('The request body must be UTF-8');
      }
    }
  }

  protected assertDeclaredLength(contentLength: string | undefined): void {
    if (contentLength !== undefined && Number(contentLength) > MAX_TOKEN_BODY_BYTES) {
      throw OAuthException.payloadTooLarge(MAX_TOKEN_BODY_BYTES);
    }
  }

  /** Accepts a body the host already parsed, keeping string values only. */
  protected fromParsedBody(body: unknown): TokenForm {
    if (body === undefined || body === null) return Object.create(null) as TokenForm;
    if (typeof body === 'string') return parseFlat(body);
    if (Buffer.isBuffer(body)) return parseFlat(decodeUtf8(body));
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw OAuthException.invalidRequest('The request body must be a form');
    }
    const form = Object.create(null) as Record<string, string>;
    let size = 0;
    for (const [name, value] of Object.entries(body)) {
      if (Array.isArray(value)) {
        throw OAuthException.invalidRequest(`Parameter ${describeName(name)} is repeated`);
      }
      if (typeof value !== 'string') {
        throw OAuthException.invalidRequest(
          `Parameter ${describeName(name)} must be a single string value`,
        );
      }
      // Decoded text is never longer than the body it came from: over the cap here means the
      // (chunked, so undeclared) body was over it too.
      size += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
      if (size > MAX_TOKEN_BODY_BYTES) throw OAuthException.payloadTooLarge(MAX_TOKEN_BODY_BYTES);
      if (value !== '') form[name] = value;
    }
    return form;
  }
}

/** Parses `application/x-www-form-urlencoded` text flat: no brackets, no nesting, no repeats. */
export function parseFlat(text: string): TokenForm {
  const form = Object.create(null) as Record<string, string>;
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (seen.has(name)) {
      throw OAuthException.invalidRequest(`Parameter ${describeName(name)} is repeated`);
    }
    seen.add(name);
    if (value !== '') form[name] = value;
  }
  return form;
}

/** Names a parameter in an error description only when it looks like a parameter name. */
function describeName(name: string): string {
  return /^[A-Za-z0-9_.[\]$-]{1,40}$/.test(name) ? name : '(unnamed)';
}

function decodeUtf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw OAuthException.invalidRequest('The request body must be UTF-8');
  }
}

function isUnread(stream: Readable): boolean {
  return !stream.readableEnded && !stream.readableDidRead && !stream.destroyed;
}

/**
 * Reads the stream up to `limit` bytes. Past the limit it stops collecting and lets the rest
 * drain unread (destroying the request would reset the socket before the 413 is sent).
 */
function readCapped(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += bytes.length;
      if (size > limit) {
        cleanup();
        // A late socket error while draining must not become an unhandled 'error' event.
        stream.on('error', () => undefined);
        stream.resume();
        reject(OAuthException.payloadTooLarge(limit));
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (): void => {
      cleanup();
      reject(OAuthException.invalidRequest('The request body could not be read'));
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
