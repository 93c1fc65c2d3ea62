/**
 * A validated authorization request (RFC 6749 §4.1.1) while the person signs in and consents:
 * everything the answer needs, decided once at `/authorize` and never read from the browser
 * again (docs/security.md 34).
 */
export interface PendingAuthorization {
  clientId: string;
  /** Where the answer goes, as requested (or the one registered URI when omitted). */
  redirectUri: string;
  /** Whether the request named `redirect_uri` (the token request must then too, §4.1.3). */
  redirectUriGiven: boolean;
  /** The scope tokens requested, or `null` when `scope` was omitted (the client's default). */
  scope: string[] | null;
  /** `state`, returned untouched (§4.1.2); `null` when not sent. */
  state: string | null;
  /** The PKCE S256 challenge; `null` only for a confidential client where PKCE is relaxed. */
  codeChallenge: string | null;
  /** `prompt=login`: a sign-in after {@link requestedAt} is needed (docs/security.md 31). */
  loginRequired: boolean;
  /** `prompt=consent`: ask even if consent is remembered. */
  consentRequired: boolean;
  /** `prompt=none`: answer without showing any page. */
  noPrompt: boolean;
  /** Epoch milliseconds. */
  requestedAt: number;
  /** The issuer named in the answer's `iss` (RFC 9207). */
  issuer: string;
}

/** Checks a value read back from the pending-request store. */
export function isPendingAuthorization(value: unknown): value is PendingAuthorization {
  const v = value as Partial<PendingAuthorization> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.clientId === 'string' &&
    typeof v.redirectUri === 'string' &&
    typeof v.redirectUriGiven === 'boolean' &&
    (v.scope === null || (Array.isArray(v.scope) && v.scope.every((s) => typeof s === 'string'))) &&
    (v.state === null || typeof v.state === 'string') &&
    (v.codeChallenge === null || typeof v.codeChallenge === 'string') &&
    typeof v.loginRequired === 'boolean' &&
    typeof v.consentRequired === 'boolean' &&
    typeof v.noPrompt === 'boolean' &&
    typeof v.requestedAt === 'number' &&
    typeof v.issuer === 'string'
  );
}
