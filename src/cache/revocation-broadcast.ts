import { Logger, type LoggerService } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { OutageLog } from '../outage-log.js';
import type { LocalTokenCache } from './local-token-cache.js';
import { duplicateForSubscription } from './redis-connection.js';

/**
 * The Redis pub/sub channel revocations are announced on: `${keyPrefix}revocations`. Every
 * revocation's tombstones and its announcement are written in one MULTI/EXEC
 * ({@link RedisTokenCache.revoke}), whether or not any instance keeps a local cache.
 */
export function revocationChannel(keyPrefix: string): string {
  return `${keyPrefix}revocations`;
}

/** The message: the revoked tokens' digests (hex, never raw tokens), space-separated. */
export function encodeRevocation(digests: readonly string[]): string {
  return digests.join(' ');
}

export function decodeRevocation(message: string): string[] {
  return message.split(' ').filter((digest) => digest !== '');
}

/**
 * Keeps one instance's {@link LocalTokenCache} in step with every instance's revocations: a
 * dedicated connection (a `duplicate()` of the module's client, owned and closed here)
 * subscribes to the channel and evicts each announced digest on arrival.
 *
 * The local cache serves only while the subscription is confirmed: on every (re)connection it
 * subscribes and then starts serving from empty; when the connection closes it is emptied and
 * bypassed, since announcements sent meanwhile are lost (pub/sub does not queue).
 */
export class RevocationSubscriber {
  private connection?: Redis;
  // Bumped on every close, so a SUBSCRIBE answered on a dead connection changes nothing.
  private connectionGeneration = 0;
  private subscribed?: Promise<boolean>;
  private resolveSubscribed?: (live: boolean) => void;
  private readonly outage = new OutageLog(this.logger);

  constructor(
    private readonly source: Redis,
    private readonly channel: string,
    private readonly local: LocalTokenCache,
    private readonly logger: Pick<LoggerService, 'log' | 'warn'> = new Logger(
      'SentinelRevocationBroadcast',
    ),
  ) {}

  /** Opens the subscription; resolves `true` once it is live, `false` after `waitMs`. */
  start(waitMs: number): Promise<boolean> {
    if (this.connection === undefined) {
      this.subscribed = new Promise((resolve) => (this.resolveSubscribed = resolve));
      // Subscribing again on each `ready` is explicit, so serving starts only once it is done.
      const connection = duplicateForSubscription(this.source);
      this.connection = connection;
      connection.on('ready', () => this.subscribe(connection));
      connection.on('close', () => this.lost());
      // A connection error is followed by 'close'; without a listener ioredis would print it.
      connection.on('error', () => undefined);
      connection.on('message', (channel: string, message: string) => {
        if (channel === this.channel) this.local.evict(decodeRevocation(message));
      });
    }
    return this.waitForSubscription(waitMs);
  }

  /** Stops serving from the local cache and closes the subscription's connection. */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.local.setServing(false);
    this.resolveSubscribed?.(false);
    if (connection === undefined || connection.status === 'end') return;
    connection.removeAllListeners('ready');
    connection.removeAllListeners('message');
    const ended = new Promise<void>((resolve) => connection.once('end', () => resolve()));
    connection.disconnect();
    await ended;
  }

  private subscribe(connection: Redis): void {
    const generation = this.connectionGeneration;
    connection.subscribe(this.channel).then(
      () => {
        if (generation !== this.connectionGeneration || connection !== this.connection) return;
        this.local.setServing(true);
        this.outage.succeeded('Revocation broadcast subscribed again; local token cache in use');
        this.resolveSubscribed?.(true);
      },
      () => connection.disconnect(true), // reconnect, and subscribe again on the next `ready`
    );
  }

  private lost(): void {
    this.connectionGeneration += 1;
    if (this.local.isServing || this.local.size > 0) this.local.setServing(false);
    if (this.connection !== undefined) {
      this.outage.failed(
        'Revocation broadcast unavailable; the local token cache is bypassed until it is back',
      );
    }
  }

  private async waitForSubscription(waitMs: number): Promise<boolean> {
    if (this.local.isServing) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    });
    const live = await Promise.race([this.subscribed ?? Promise.resolve(false), timeout]);
    clearTimeout(timer);
    return live;
  }
}
