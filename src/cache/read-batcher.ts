import type { Redis } from 'ioredis';
import { groupBySlot } from './key-slot.js';
import { isCluster } from './redis-connection.js';
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
 * of its batch. On Redis Cluster, where the keys of one `MGET` must share a slot, the batch
 * leaves as one `MGET` per slot (ADR 0012): token keys carry no hash tag, so they spread over
 * the shards.
 */
export class ReadBatcher {
  private readonly reads = new TurnBatcher<PendingRead>((batch) => this.sendAll(batch));
  private readonly perSlot: boolean;

  constructor(private readonly client: Redis) {
    this.perSlot = isCluster(client);
  }

  read(key: string): Promise<string | null> {
    return new Promise((resolve, reject) => this.reads.add({ key, resolve, reject }));
  }

  private sendAll(batch: PendingRead[]): void {
    if (!this.perSlot) return this.send(batch);
    for (const group of groupBySlot(batch, (read) => read.key)) this.send(group);
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
