import type { Clock } from '../clock.js';
import { digest } from '../crypto/digest.js';
import type { ExpiringStore } from './expiring-store.js';
import { isSecretId, newSecretId } from './secret-ids.js';

/** A built-in sign-in, as stored under the digest of its id (docs/security.md 26). */
export interface SignInSession {
  userId: string;
  /** When the person typed their password (epoch ms): `prompt=login` compares with it. */
  signedInAt: number;
}

/** The session lifetimes, in seconds (`interaction.sessionTtl` / `sessionIdleTtl`). */
export interface SessionLifetimes {
  sessionTtl: number;
  sessionIdleTtl: number;
}

/**
 * Sign-in sessions of the built-in page (ADR 0018). The browser holds a random 256-bit id; the
 * store holds only its SHA-256, so a copy of Redis signs nobody in. A session ends at the
 * first of: its absolute lifetime after sign-in, its idle lifetime after the last use (each use
 * renews it, never past the absolute end), or sign-out, which deletes it.
 */
export class SessionStore {
  constructor(
    private readonly store: ExpiringStore,
    private readonly clock: Clock,
    private readonly lifetimes: SessionLifetimes,
  ) {}

  /** Starts a session for `userId` under a new id (never a given one: no fixation). */
  async start(userId: string): Promise<string> {
    const id = newSecretId();
    const session: SignInSession = { userId, signedInAt: this.clock.now() };
    await this.store.set(digest(id), JSON.stringify(session), this.ttlMs(session));
    return id;
  }

  /** The live session under `id`, its idle lifetime renewed; `null` when there is none. */
  async resume(id: string | undefined): Promise<SignInSession | null> {
    if (!isSecretId(id)) return null;
    const key = digest(id);
    const stored = await this.store.get(key);
    if (stored === null) return null;
    const session = parseSession(stored);
    const ttlMs = session === null ? 0 : this.ttlMs(session);
    if (session === null || ttlMs <= 0) {
      await this.store.delete(key);
      return null;
    }
    await this.store.expire(key, ttlMs);
    return session;
  }

  /** Ends the session under `id` (sign-out): it is deleted, not only forgotten by the browser. */
  async end(id: string | undefined): Promise<void> {
    if (isSecretId(id)) await this.store.delete(digest(id));
  }

  /** The idle lifetime from now, cut at the absolute end. */
  private ttlMs(session: SignInSession): number {
    const absoluteEnd = session.signedInAt + this.lifetimes.sessionTtl * 1000;
    return Math.min(this.lifetimes.sessionIdleTtl * 1000, absoluteEnd - this.clock.now());
  }
}

function parseSession(text: string): SignInSession | null {
  try {
    const value = JSON.parse(text) as Partial<SignInSession>;
    return typeof value.userId === 'string' && typeof value.signedInAt === 'number'
      ? { userId: value.userId, signedInAt: value.signedInAt }
      : null;
  } catch {
    return null;
  }
}
