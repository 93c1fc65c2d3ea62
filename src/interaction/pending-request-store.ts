import { digest } from '../crypto/digest.js';
import type { ExpiringStore } from './expiring-store.js';
import { isSecretId, newSecretId } from './secret-ids.js';

/**
 * Validated requests waiting for a person (docs/security.md 34): an authorization request
 * between `/authorize` and its answer. The browser carries only a random id; the request's
 * parameters stay here, under the id's digest, for `ttlSeconds`, and are never read from the
 * browser again. {@link take} uses a request up, so it is answered once.
 */
export class PendingRequestStore<T> {
  /**
   * @param isRecord checks what comes back from the store (it is JSON text).
   */
  constructor(
    private readonly store: ExpiringStore,
    private readonly ttlSeconds: number,
    private readonly isRecord: (value: unknown) => value is T,
  ) {}

  /** Parks `request` under a new id, returned for the browser. */
  park(request: T): Promise<string> {
    return this.parkFor(() => request);
  }

  /**
   * Parks what `make` builds from the new id — for a record that seals a value with it (the
   * device approval's user code, ADR 0023) — and returns the id.
   */
  async parkFor(make: (id: string) => T): Promise<string> {
    const id = newSecretId();
    await this.store.set(digest(id), JSON.stringify(make(id)), this.ttlSeconds * 1000);
    return id;
  }

  /** The request under `id`, or `null` (unknown, expired or already answered). */
  async find(id: string | undefined): Promise<T | null> {
    return isSecretId(id) ? this.parse(await this.store.get(digest(id))) : null;
  }

  /** Uses the request up: of concurrent calls, one gets it. */
  async take(id: string | undefined): Promise<T | null> {
    return isSecretId(id) ? this.parse(await this.store.take(digest(id))) : null;
  }

  private parse(text: string | null): T | null {
    if (text === null) return null;
    try {
      const value: unknown = JSON.parse(text);
      return this.isRecord(value) ? value : null;
    } catch {
      return null;
    }
  }
}
