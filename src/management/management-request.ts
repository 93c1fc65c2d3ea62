import type { IncomingHttpHeaders } from 'node:http';

/** The parts of an Express or Fastify request the management guards read. */
export interface ManagementRequest {
  method?: string;
  headers: IncomingHttpHeaders;
  /** Express (honours the host's `trust proxy`) and Fastify (`trustProxy`) both set it. */
  ip?: string;
  /**
   * `http` or `https`: Express (`X-Forwarded-Proto` only under the host's `trust proxy`) and
   * Fastify (`trustProxy`) both set it.
   */
  protocol?: string;
  socket?: { remoteAddress?: string; encrypted?: boolean };
  /** Fastify: the Node request. */
  raw?: { socket?: { remoteAddress?: string; encrypted?: boolean } };
}

/** The scheme the request reached the server with, as the platform sees it (see `protocol`). */
export function requestScheme(request: ManagementRequest): string {
  if (typeof request.protocol === 'string') return request.protocol.toLowerCase();
  const encrypted = request.socket?.encrypted ?? request.raw?.socket?.encrypted;
  return encrypted === true ? 'https' : 'http';
}

/** A single-valued header, or `undefined` when absent or repeated. */
export function singleHeader(request: ManagementRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** The client address the throttle keys on; proxies are trusted only as the host configured. */
export function clientAddress(request: ManagementRequest): string {
  return (
    request.ip ?? request.socket?.remoteAddress ?? request.raw?.socket?.remoteAddress ?? 'unknown'
  );
}

/** Methods that change state and so must pass the same-origin and media-type checks. */
export function isStateChanging(method: string | undefined): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes((method ?? 'GET').toUpperCase());
}
