import { Agent, request } from 'node:http';
import { IDLE_MS } from '../../test/harness/round-robin-proxy.js';

/** A finished HTTP exchange: the status, the body and when its last byte arrived (hrtime ns). */
export interface Exchange {
  status: number;
  body: string;
  endedAt: bigint;
}

/**
 * A keep-alive client of one loopback server, one request at a time per connection, so a tight
 * polling loop pays one round trip per poll and no connection set-up.
 */
export class HttpClient {
  private readonly agent: Agent;

  /** @param maxSockets connections kept to the server (requests beyond them queue). */
  constructor(
    readonly port: number,
    maxSockets = 4,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, timeout: IDLE_MS });
  }

  /** A plain GET. */
  getPlain(path: string): Promise<Exchange> {
    return this.send('GET', path, {});
  }

  get(path: string, bearer: string): Promise<Exchange> {
    return this.send('GET', path, { authorization: `Bearer ${bearer}` });
  }

  /** A form POST (`application/x-www-form-urlencoded`), as RFC 6749 §4.3.2 and RFC 7009 §2.1 ask. */
  postForm(path: string, fields: Record<string, string>): Promise<Exchange> {
    const body = new URLSearchParams(fields).toString();
    return this.send(
      'POST',
      path,
      {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
    retried = false,
  ): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              endedAt: process.hrtime.bigint(),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', (error) => {
        // A kept-alive connection the server closed just as it was reused: sent again, once, on
        // a new connection (Node docs, `request.reusedSocket`). Repeating a check or a
        // revocation is safe (RFC 7009 §2.2); a repeated login only issues one more token.
        if (!retried && outgoing.reusedSocket) {
          this.send(method, path, headers, body, true).then(resolve, reject);
        } else reject(error);
      });
      outgoing.end(body);
    });
  }
}
