import mongoose from 'mongoose';
import { ConflictError, InvalidInputError, StorageUnavailableError } from '../storage.errors.js';

const DUPLICATE_KEY = 11000;

/** Driver and Mongoose errors that mean "the database could not be reached or answered too late". */
const UNAVAILABLE_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoOperationTimeoutError',
  'MongoWriteConcernError',
  'MongooseServerSelectionError',
]);

/** Server error codes for shutdown, failover and time limits (the driver retries these too). */
const UNAVAILABLE_SERVER_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/** Whether `error` is a unique-index violation (E11000). */
export function isDuplicateKeyError(error: unknown): error is mongoose.mongo.MongoServerError {
  return error instanceof mongoose.mongo.MongoServerError && error.code === DUPLICATE_KEY;
}

/**
 * The field a duplicate-key error names, when the server says so (MongoDB reports `keyPattern`;
 * FerretDB 1.24 reports only the collection, so callers pass a fallback).
 */
export function duplicateKeyField(error: mongoose.mongo.MongoServerError): string | undefined {
  const keyPattern = error.keyPattern as Record<string, unknown> | undefined;
  const keyValue = error.keyValue as Record<string, unknown> | undefined;
  return Object.keys(keyPattern ?? keyValue ?? {})[0];
}

/** Whether `error` means the database is unreachable, failing over or timed out. */
export function isUnavailableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNAVAILABLE_ERROR_NAMES.has(error.name)) return true;
  if (error instanceof mongoose.mongo.MongoError) {
    if (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool')) return true;
    if (typeof error.code === 'number' && UNAVAILABLE_SERVER_CODES.has(error.code)) return true;
  }
  // Mongoose's own wording when commands sit in its buffer with no connection to send them on.
  return (
    error.name === 'MongooseError' &&
    /buffering timed out|before initial connection is complete|Connection was force closed/.test(
      error.message,
    )
  );
}

/**
 * Translates a Mongo/Mongoose failure into the storage errors the HTTP layer understands:
 * duplicate key → {@link ConflictError} (409), unreachable/timeout → {@link StorageUnavailableError}
 * (503, docs/security.md 18), schema validation → {@link InvalidInputError} (400). Anything else is
 * returned unchanged (a 500). Never returns the raw driver error for those cases, whose messages
 * may quote key values.
 */
export function toStorageError(error: unknown, conflictField: string): unknown {
  if (isDuplicateKeyError(error)) {
    const field = duplicateKeyField(error) ?? conflictField;
    return new ConflictError(`${field} already exists`, field);
  }
  if (isUnavailableError(error)) {
    return new StorageUnavailableError('the database is unavailable', { cause: error });
  }
  if (error instanceof mongoose.Error.ValidationError) {
    const field = Object.keys(error.errors)[0] ?? 'document';
    return new InvalidInputError(`${field} is invalid`, field);
  }
  return error;
}

/**
 * Runs one database operation and translates its failure with {@link toStorageError}.
 * `conflictField` names the unique field a duplicate key most likely hit when the server
 * does not say which.
 */
export async function mongoCall<T>(operation: () => Promise<T>, conflictField = 'id'): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStorageError(error, conflictField);
  }
}
