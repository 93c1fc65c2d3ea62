import type { Connection } from 'mongoose';
import type { AuthorizationCodeStore } from './authorization-code-store.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import type { ClientStore, GrantCatalog } from './client-store.js';
import type { ConsentStore } from './consent-store.js';
import { MemoryAuthorizationCodeStore } from './memory/memory-authorization-code.store.js';
import { MemoryClientStore } from './memory/memory-client.store.js';
import { MemoryConsentStore } from './memory/memory-consent.store.js';
import { MemoryTokenStore } from './memory/memory-token.store.js';
import { MemoryUserStore } from './memory/memory-user.store.js';
import type { TokenStore } from './token-store.js';
import type { UserRepository } from './user-store.js';

/** The stores the options ask for, and how to release them. */
export interface SentinelStorage {
  kind: 'mongo' | 'memory';
  users: UserRepository;
  clients: ClientStore;
  tokens: TokenStore;
  /** Authorization codes (RFC 6749 §4.1.2). */
  codes: AuthorizationCodeStore;
  /** Remembered consents (docs/security.md 30). */
  consents: ConsentStore;
  close(): Promise<void>;
}

export async function createStorage(
  options: ResolvedSentinelOptions,
  hasher: PasswordHasher,
  grants: GrantCatalog,
  hostConnection: Connection | null = null,
): Promise<SentinelStorage> {
  if (options.mongo === undefined) {
    return {
      kind: 'memory',
      users: new MemoryUserStore(hasher),
      clients: new MemoryClientStore(grants),
      tokens: new MemoryTokenStore(),
      codes: new MemoryAuthorizationCodeStore(),
      consents: new MemoryConsentStore(),
      close: async () => undefined,
    };
  }
  // Loaded only when asked for: mongoose and @nestjs/mongoose are optional peers (in-memory and
  // resource-server apps do not install them).
  const { createMongoStorage } = await import('./mongo/mongo-storage.js');
  return createMongoStorage(options.mongo, options, hasher, grants, hostConnection);
}
