/**
 * A unique key already exists (duplicate username, client id …). Rendered as 409.
 * @publicApi
 */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/**
 * Input a store refuses (e.g. a password over 72 bytes). Rendered as 400 naming the field.
 * @publicApi
 */
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/**
 * The backing store could not be reached or timed out. Rendered as 503 with Retry-After.
 * @publicApi
 */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}
