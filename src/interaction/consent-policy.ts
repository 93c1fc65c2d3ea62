import { LOOPBACK_HOSTS } from '../options/protocol-options.js';
import type { SentinelClient } from '../storage/client-store.js';
import type { SentinelConsent } from '../storage/consent-store.js';

/**
 * Whether the person must be asked (docs/security.md 30, ADR 0018):
 *
 * - `prompt=consent` always asks;
 * - a first-party client (marked in management) is never asked otherwise;
 * - a public client redirecting to a native app (a private-use scheme or a loopback address,
 *   RFC 8252 §7.1, §7.3) is always asked: anyone can claim its redirect URI, so a remembered
 *   consent cannot tell the real app from an impersonator (RFC 6749 §10.2, RFC 8252 §8.6);
 * - otherwise a remembered consent covers the request only when it already holds every
 *   requested scope: a new scope is always asked for.
 */
export function needsConsent(
  client: SentinelClient,
  redirectUri: string,
  scopes: readonly string[],
  remembered: SentinelConsent | null,
  forced: boolean,
): boolean {
  if (forced) return true;
  if (client.firstParty) return false;
  if (client.clientType === 'public' && isNativeRedirect(redirectUri)) return true;
  if (remembered === null) return true;
  const granted = new Set(remembered.scope.split(' '));
  return !scopes.every((scope) => granted.has(scope));
}

/** A private-use scheme or a loopback `http` URI: where native apps receive the answer. */
export function isNativeRedirect(redirectUri: string): boolean {
  const url = new URL(redirectUri);
  if (url.protocol === 'https:') return false;
  return url.protocol !== 'http:' || LOOPBACK_HOSTS.has(url.hostname);
}
