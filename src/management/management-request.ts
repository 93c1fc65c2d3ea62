import type { IncomingHttpHeaders } from 'node:http';

/** The parts of an Express or Fastify request the management guards read. */
export interface ManagementRequest {
  method?: string;
  headers: IncomingHttpHeaders;
  /** Express (honours the host's `trust proxy`) and Fastify (`trustProxy`) both set it. */
  ip?: string;
  socket?: { remoteAddress?: string };
  /** Fastify: the Node request. */
  raw?: { socket?: { remoteAddress?: string } };
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
