import type { ClientWithSecret, SentinelClient } from '../storage/client-store.js';
import type { SentinelConsent } from '../storage/consent-store.js';
import type { TokenRecord } from '../storage/token-store.js';
import type { Page, SentinelUser } from '../storage/user-store.js';

// What the management API answers with: snake_case JSON, dates as ISO 8601 strings. Never a
// password, hash, secret digest, token or token digest (docs/security.md 20, 21).

export interface UserView {
  id: string;
  username: string;
  scope: string;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

/** RFC 7591 field names. `client_secret` only in the answer to creation or rotation. */
export interface ClientView {
  client_id: string;
  client_secret?: string;
  client_name: string;
  client_type: string;
  grant_types: string[];
  scope: string;
  redirect_uris: string[];
  /** Skips the consent page. */
  first_party: boolean;
  created_at: string;
  updated_at: string;
}

/** Metadata of one issued token; `user_id` is `null` for client_credentials tokens. */
export interface TokenView {
  id: string;
  client_id: string;
  user_id: string | null;
  scope: string;
  issued_at: string;
  expires_at: string;
  refresh_expires_at: string | null;
  revoked: boolean;
}

/** A user's remembered consent to one client; `client_name` is `null` once the client is gone. */
export interface ConsentView {
  client_id: string;
  client_name: string | null;
  scope: string;
  created_at: string;
  updated_at: string;
}

export interface PageView<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export function userView(user: SentinelUser): UserView {
  return {
    id: user.id,
    username: user.username,
    scope: user.scope,
    disabled: user.disabled,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export function clientView(client: SentinelClient): ClientView {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    client_type: client.clientType,
    grant_types: [...client.grantTypes],
    scope: client.scope,
    redirect_uris: [...client.redirectUris],
    first_party: client.firstParty,
    created_at: client.createdAt.toISOString(),
    updated_at: client.updatedAt.toISOString(),
  };
}

/** The one answer that carries a client secret (docs/security.md 21). */
export function clientWithSecretView({ client, clientSecret }: ClientWithSecret): ClientView {
  const { client_id, ...rest } = clientView(client);
  return clientSecret === undefined
    ? { client_id, ...rest }
    : { client_id, client_secret: clientSecret, ...rest };
}

export function tokenView(record: TokenRecord): TokenView {
  return {
    id: record.id,
    client_id: record.clientId,
    user_id: record.userId,
    scope: record.scope,
    issued_at: record.issuedAt.toISOString(),
    expires_at: record.accessExpiresAt.toISOString(),
    refresh_expires_at: record.refreshExpiresAt?.toISOString() ?? null,
    revoked: record.revoked,
  };
}

export function consentView(consent: SentinelConsent, clientName: string | null): ConsentView {
  return {
    client_id: consent.clientId,
    client_name: clientName,
    scope: consent.scope,
    created_at: consent.createdAt.toISOString(),
    updated_at: consent.updatedAt.toISOString(),
  };
}

export function pageView<T, V>(page: Page<T>, view: (item: T) => V): PageView<V> {
  return {
    items: page.items.map(view),
    total: page.total,
    page: page.page,
    per_page: page.perPage,
  };
}

/** A validated scope with duplicate tokens removed, in order of first appearance. */
export function normalizeScope(scope: string): string {
  return [...new Set(scope.split(' ').filter((token) => token.length > 0))].join(' ');
}
