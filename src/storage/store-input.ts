import { randomBytes } from 'node:crypto';
import type { ClientChanges, ClientType, GrantCatalog, NewClient } from './client-store.js';
import { MAX_REDIRECT_URIS, redirectUriProblem } from '../authorization/redirect-uris.js';
import { InvalidInputError } from './storage.errors.js';
import type { NewTokenRecord } from './token-store.js';

// Guards shared by the Mongo and in-memory stores, so both refuse and ignore exactly the same input.

const OBJECT_ID_HEX = /^[0-9a-f]{24}$/;
const CLIENT_TYPES: readonly ClientType[] = ['public', 'confidential'];

/**
 * Whether a value may be used as a query key. Anything that is not a string (e.g. `{ $ne: '' }`
 * smuggled past the types) is treated as "not found", never passed to a query (docs/security.md 2).
 */
export function isQueryString(value: unknown): value is string {
  return typeof value === 'string';
}

/** Whether `value` is a record id as the stores issue them: 24 lowercase hex digits (an ObjectId). */
export function isRecordId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID_HEX.test(value);
}

let idCounter = randomBytes(3).readUIntBE(0, 3);
const idProcessPart = randomBytes(5).toString('hex');

/**
 * A new id with the shape and ordering of a MongoDB ObjectId (seconds, random, counter), so the
 * in-memory stores sort and validate ids exactly like the Mongo ones.
 */
export function newRecordId(): string {
  idCounter = (idCounter + 1) % 0x1000000;
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${seconds}${idProcessPart}${idCounter.toString(16).padStart(6, '0')}`;
}

/** @throws InvalidInputError unless `page` and `perPage` are positive integers. */
export function assertPage(query: { page: number; perPage: number }): void {
  for (const field of ['page', 'perPage'] as const) {
    const value = query[field];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidInputError(`${field} must be a positive integer`, field);
    }
  }
}

/** @throws InvalidInputError unless `value` is a non-empty string. */
export function assertNonEmptyString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidInputError(`${field} must be a non-empty string`, field);
  }
}

/** @throws InvalidInputError unless `value` is a string (possibly empty). */
export function assertString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new InvalidInputError(`${field} must be a string`, field);
  }
}

/** @throws InvalidInputError unless `value` is `true` or `false`. */
export function assertBoolean(value: unknown, field: string): asserts value is boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidInputError(`${field} must be a boolean`, field);
  }
}

/** @throws InvalidInputError unless `value` is an RFC 6749 §2.1 client type. */
export function assertClientType(value: unknown): asserts value is ClientType {
  if (!CLIENT_TYPES.includes(value as ClientType)) {
    throw new InvalidInputError(
      `clientType must be one of ${CLIENT_TYPES.join(', ')}`,
      'clientType',
    );
  }
}

/** @throws InvalidInputError unless `value` is a list of grant types the catalog knows. */
export function assertGrantTypes(value: unknown, grants: GrantCatalog): asserts value is string[] {
  if (
    !Array.isArray(value) ||
    !value.every((grant) => typeof grant === 'string' && grants.grantTypes.includes(grant))
  ) {
    throw new InvalidInputError(
      `grantTypes must only contain ${grants.grantTypes.join(', ')}`,
      'grantTypes',
    );
  }
}

/** The first of `grantTypes` that only confidential clients may list, if any. */
export function confidentialOnlyGrant(
  grantTypes: readonly string[] | undefined,
  grants: GrantCatalog,
): string | undefined {
  return grantTypes?.find((grant) => grants.requiresConfidentialClient(grant));
}

/**
 * A public client asked for a grant only confidential clients may use, e.g. client_credentials
 * (RFC 6749 §4.4, docs/security.md 7).
 */
export function confidentialOnlyGrantError(grantType: string): InvalidInputError {
  return new InvalidInputError(
    `${grantType} is only allowed for confidential clients`,
    'grantTypes',
  );
}

/** @throws InvalidInputError unless `value` is a list of redirect URIs the rules admit. */
export function assertRedirectUris(value: unknown): asserts value is string[] {
  if (!Array.isArray(value) || value.length > MAX_REDIRECT_URIS) {
    throw new InvalidInputError(
      `redirectUris must be a list of at most ${MAX_REDIRECT_URIS} URIs`,
      'redirectUris',
    );
  }
  for (const uri of value) {
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) {
      throw new InvalidInputError(`redirectUris: each URI ${problem}`, 'redirectUris');
    }
  }
}

/** @throws InvalidInputError naming the first invalid field of a new client. */
export function assertNewClient(client: NewClient, grants: GrantCatalog): void {
  assertNonEmptyString(client.clientName, 'clientName');
  assertClientType(client.clientType);
  assertGrantTypes(client.grantTypes, grants);
  assertString(client.scope, 'scope');
  if (client.redirectUris !== undefined) assertRedirectUris(client.redirectUris);
  if (client.firstParty !== undefined) assertBoolean(client.firstParty, 'firstParty');
  const confidentialOnly = confidentialOnlyGrant(client.grantTypes, grants);
  if (client.clientType === 'public' && confidentialOnly !== undefined) {
    throw confidentialOnlyGrantError(confidentialOnly);
  }
}

/** @throws InvalidInputError naming the first invalid field of a client change. */
export function assertClientChanges(changes: ClientChanges, grants: GrantCatalog): void {
  if (changes.clientName !== undefined) assertNonEmptyString(changes.clientName, 'clientName');
  if (changes.grantTypes !== undefined) assertGrantTypes(changes.grantTypes, grants);
  if (changes.scope !== undefined) assertString(changes.scope, 'scope');
  if (changes.redirectUris !== undefined) assertRedirectUris(changes.redirectUris);
  if (changes.firstParty !== undefined) assertBoolean(changes.firstParty, 'firstParty');
}

/** @throws InvalidInputError unless `value` is a valid `Date`. */
export function assertDate(value: unknown, field: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InvalidInputError(`${field} must be a valid Date`, field);
  }
}

/**
 * @throws InvalidInputError naming the first invalid field of a token record. A refresh token
 * digest needs a refresh expiry and vice versa.
 */
export function assertNewTokenRecord(record: NewTokenRecord): void {
  assertNonEmptyString(record.accessTokenDigest, 'accessTokenDigest');
  if (record.refreshTokenDigest !== null) {
    assertNonEmptyString(record.refreshTokenDigest, 'refreshTokenDigest');
  }
  if (record.userId !== null) assertNonEmptyString(record.userId, 'userId');
  assertNonEmptyString(record.clientId, 'clientId');
  assertString(record.scope, 'scope');
  assertNonEmptyString(record.familyId, 'familyId');
  assertDate(record.issuedAt, 'issuedAt');
  assertDate(record.accessExpiresAt, 'accessExpiresAt');
  if (record.refreshTokenDigest === null) {
    if (record.refreshExpiresAt !== null) {
      throw new InvalidInputError(
        'refreshExpiresAt needs a refreshTokenDigest',
        'refreshExpiresAt',
      );
    }
  } else {
    assertDate(record.refreshExpiresAt, 'refreshExpiresAt');
  }
}

/** When a token record is of no further use: the later of its access and refresh expiries. */
export function recordExpiry(record: NewTokenRecord): Date {
  const access = record.accessExpiresAt.getTime();
  const refresh = record.refreshExpiresAt?.getTime() ?? access;
  return new Date(Math.max(access, refresh));
}
