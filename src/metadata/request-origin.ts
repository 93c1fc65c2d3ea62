import { OAuthException } from '../errors/oauth.exception.js';

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
 * The origin the client used, as the platform reports it (so `trust proxy` decides whether
 * `X-Forwarded-*` count). Only used when no issuer is configured (development).
 * @throws OAuthException 400 `invalid_request` for a missing or malformed host.
 */
export function requestOrigin(request: unknown): string {
  const req = request as OriginRequest;
  const protocol = req.protocol === 'https' ? 'https' : 'http';
  const host = typeof req.host === 'string' && req.host !== '' ? req.host : req.headers?.host;
  if (typeof host !== 'string' || !HOST.test(host)) {
    throw OAuthException.invalidRequest('The Host header is missing or malformed');
  }
  return `${protocol}://${host.toLowerCase()}`;
}

/** The issuer identifier (RFC 8414 §2, RFC 9207 `iss`): the configured one, else derived. */
export function issuerOf(configured: string | undefined, request: unknown): string {
  return configured ?? requestOrigin(request);
}

/** The origin endpoint URLs and page forms live at: the issuer's, else the request's. */
export function serverOrigin(configured: string | undefined, request: unknown): string {
  return configured === undefined ? requestOrigin(request) : new URL(configured).origin;
}
