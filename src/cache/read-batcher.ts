import type { Redis } from 'ioredis';
import { TurnBatcher } from './turn-batcher.js';

interface PendingRead {
  key: string;
  resolve(value: string | null): void;
  reject(error: unknown): void;
}

/**
 * Coalesces the string reads of one event-loop turn into one command: the token lookups of
 * every request that arrived together leave as one `MGET` (one write, one reply) instead of a
 * `GET` and a system call each way per request. A lone read stays a plain `GET`.
 *
 * The batch is sent once the turn's I/O callbacks have run ({@link TurnBatcher}), so it gathers
 * the requests of every connection that was readable, not just one. `MGET` answers `nil` for a
 * key holding another type, as a `GET` miss would be treated; a failed command fails every read
 * of its batch. Not for Redis Cluster, where the keys of one `MGET` must share a slot.
 */
export class ReadBatcher {
  private readonly reads = new TurnBatcher<PendingRead>((batch) => this.send(batch));

  constructor(private readonly client: Redis) {}

  read(key: string): Promise<string | null> {
    return new Promise((resolve, reject) => this.reads.add({ key, resolve, reject }));
  }

  private send(batch: PendingRead[]): void {
    if (batch.length === 1) {
      const [only] = batch;
      this.client.get(only.key).then(only.resolve, only.reject);
      return;
    }
    this.client.mget(batch.map((read) => read.key)).then(
      (values) => batch.forEach((read, i) => read.resolve(values[i] ?? null)),
      (error: unknown) => batch.forEach((read) => read.reject(error)),
    );
  }
}

/** ioredis marks its Cluster client; a plain client (or a look-alike) is not one. */
export function isCluster(client: Redis): boolean {
  return (client as { isCluster?: boolean }).isCluster === true;
}
