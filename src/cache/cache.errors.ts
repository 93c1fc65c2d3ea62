/**
 * The token cache could not be reached, timed out or refused a command. The cache is never the
 * source of truth: callers catch this and fall back to MongoDB (docs/security.md 17).
 */
export class CacheUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CacheUnavailableError';
  }
}
