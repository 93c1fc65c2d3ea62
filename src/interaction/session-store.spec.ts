import { describe, expect, it } from '@jest/globals';
import { digest } from '../crypto/digest.js';
import { MemoryExpiringStore } from './memory-expiring.store.js';
import { SessionStore } from './session-store.js';

/** docs/security.md 26, ADR 0018: digest at rest, idle renewal, absolute end, sign-out. */
describe('SessionStore', () => {
  function setup() {
    const clock = {
      t: 1_000_000,
      now() {
        return this.t;
      },
    };
    const store = new MemoryExpiringStore(clock);
    const sessions = new SessionStore(store, clock, { sessionTtl: 3600, sessionIdleTtl: 600 });
    return { clock, store, sessions };
  }

  it('stores a new id’s digest only, and gives the user back', async () => {
    const { store, sessions, clock } = setup();
    const id = await sessions.start('user-1');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await store.get(id)).toBeNull();
    expect(await store.get(digest(id))).not.toBeNull();
    expect(await sessions.resume(id)).toEqual({ userId: 'user-1', signedInAt: clock.t });
    expect(await sessions.start('user-1')).not.toBe(id);
  });

  it('ends after the idle lifetime, and each use renews it', async () => {
    const { sessions, clock } = setup();
    const id = await sessions.start('user-1');
    for (let i = 0; i < 5; i++) {
      clock.t += 599_000;
      expect(await sessions.resume(id)).not.toBeNull();
    }
    clock.t += 601_000;
    expect(await sessions.resume(id)).toBeNull();
  });

  it('never lasts past the absolute lifetime, however active', async () => {
    const { sessions, clock } = setup();
    const id = await sessions.start('user-1');
    for (let i = 0; i < 6; i++) {
      clock.t += 590_000;
      expect(await sessions.resume(id)).not.toBeNull();
    }
    clock.t += 70_000; // 3 610 s after sign-in
    expect(await sessions.resume(id)).toBeNull();
  });

  it('sign-out deletes it; ids of another shape are never looked up', async () => {
    const { sessions, store } = setup();
    const id = await sessions.start('user-1');
    await sessions.end(id);
    expect(await sessions.resume(id)).toBeNull();
    expect(await store.get(digest(id))).toBeNull();
    for (const bad of [undefined, '', 'short', `${id}x`, '{"$ne":""}']) {
      expect(await sessions.resume(bad)).toBeNull();
    }
  });
});
