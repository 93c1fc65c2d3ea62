import type { Page } from './user-store.js';

/**
 * RFC 6749 §2.1 client types.
 * @publicApi
 */
export type ClientType = 'public' | 'confidential';

/**
 * What the client stores know of grant types: which exist (the grant registry: the built-in
 * grants and the host's own) and which only confidential clients may use (RFC 6749 §4.4).
 */
export interface GrantCatalog {
  /** Every grant type a client may list. */
  readonly grantTypes: readonly string[];
  requiresConfidentialClient(grantType: string): boolean;
}

/**
 * A registered client. Field names follow RFC 7591 in the management API. Never carries a secret.
 * @publicApi
 */
export interface SentinelClient {
  clientId: string;
  clientName: string;
  clientType: ClientType;
  grantTypes: string[];
  /** Space-delimited scopes the client may request; empty means it may request no scope. */
  scope: string;
  /**
   * Where the authorization endpoint may send the user back (RFC 6749 §3.1.2), each checked by
   * the redirect-URI rules (authorization/redirect-uris.ts) when stored. Empty for clients that
   * do not use a redirect.
   */
  redirectUris: string[];
  /**
   * A first-party client (the host's own app) is not asked for consent: the authorization
   * endpoint skips the consent page for it (docs/security.md 30). `false` for clients stored
   * before the flag existed.
   */
  firstParty: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** @publicApi */
export interface NewClient {
  clientName: string;
  clientType: ClientType;
  grantTypes: string[];
  scope: string;
  /** Default none. */
  redirectUris?: string[];
  /** Default `false`: the user is asked for consent. */
  firstParty?: boolean;
}

/** @publicApi */
export interface ClientChanges {
  clientName?: string;
  grantTypes?: string[];
  scope?: string;
  redirectUris?: string[];
  firstParty?: boolean;
}

/**
 * A client together with its secret, returned once at creation or rotation (docs/security.md 21).
 * @publicApi
 */
export interface ClientWithSecret {
  client: SentinelClient;
  /** Raw secret for confidential clients; `undefined` for public clients. */
  clientSecret?: string;
}

/** @publicApi */
export interface ClientQuery {
  page: number;
  perPage: number;
}

/**
 * Port: registered clients. Secrets are stored as SHA-256 digests only (docs/security.md 20).
 * @publicApi
 */
export interface ClientStore {
  findById(clientId: string): Promise<SentinelClient | null>;
  /**
   * Returns the confidential client when `clientSecret` matches its stored digest (constant-time),
   * otherwise `null` — also for unknown and public clients.
   */
  verifySecret(clientId: string, clientSecret: string): Promise<SentinelClient | null>;
  create(client: NewClient): Promise<ClientWithSecret>;
  list(query: ClientQuery): Promise<Page<SentinelClient>>;
  update(clientId: string, changes: ClientChanges): Promise<SentinelClient | null>;
  /** Issues a new secret for a confidential client; `null` when unknown or public. */
  rotateSecret(clientId: string): Promise<ClientWithSecret | null>;
  delete(clientId: string): Promise<boolean>;
}
/**
 * DI token of the {@link ClientStore} port.
 * @publicApi
 */
export const ClientStore = Symbol('SENTINEL:ClientStore');
