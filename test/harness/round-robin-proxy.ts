import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer for the scale tests and the bench (issue 17, README "Deploying at scale"): an
 * HTTP/1.1 reverse proxy on loopback that sends each request to the next instance in turn, as an
 * L7 balancer with round-robin does. Not a production proxy: no health checks, no retries.
 */
export interface RoundRobinProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests forwarded to each target so far, in the order of the targets. */
  readonly forwarded: readonly number[];
  close(): Promise<void>;
}

/**
 * Idle upstream connections are closed after this, before Node's servers close theirs
 * (`keepAliveTimeout`, 5 s): Node's Agent only honours the server's `Keep-Alive: timeout` hint
 * when it has a `timeout` of its own, and reusing a connection the server is closing fails.
 */
export const IDLE_MS = 4000;

/** Hop-by-hop headers, which a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept = { ...headers };
  for (const name of HOP_BY_HOP) delete kept[name];
  return kept;
}

/**
 * Starts a proxy on `port` (0: any free port) in front of the instances listening on
 * `targetPorts` (127.0.0.1). Upstream connections are kept alive, as a balancer's are; every
 * failed upstream exchange is told to `onUpstreamError` (and answered 502 unless retried).
 */
export async function startRoundRobinProxy(
  targetPorts: readonly number[],
  port = 0,
  onUpstreamError?: (error: Error, reusedSocket: boolean) => void,
): Promise<RoundRobinProxy> {
  if (targetPorts.length === 0) throw new Error('a proxy needs at least one target');
  const agent = new Agent({ keepAlive: true, maxSockets: 512, timeout: IDLE_MS });
  const forwarded = targetPorts.map(() => 0);
  let next = 0;
  const server = createServer((incoming, outgoing) => {
    const index = next;
    next = (next + 1) % targetPorts.length;
    forwarded[index] += 1;
    const bodiless =
      incoming.headers['content-length'] === undefined &&
      incoming.headers['transfer-encoding'] === undefined;
    const forward = (retried: boolean) => {
      const upstream = request(
        {
          host: '127.0.0.1',
          port: targetPorts[index],
          method: incoming.method,
          path: incoming.url,
          headers: endToEnd(incoming.headers),
          agent,
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, endToEnd(response.headers));
          response.pipe(outgoing);
        },
      );
      upstream.on('error', (error) => {
        onUpstreamError?.(error, upstream.reusedSocket);
        // A kept-alive connection the instance closed just as it was reused: a request without
        // a body is sent again, once, on a new connection (Node docs, `request.reusedSocket`).
        if (!retried && bodiless && upstream.reusedSocket) return forward(true);
        if (!outgoing.headersSent) outgoing.writeHead(502);
        outgoing.end();
      });
      if (bodiless) upstream.end();
      else incoming.pipe(upstream);
    };
    forward(false);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    forwarded,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
