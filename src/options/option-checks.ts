/**
 * Bad configuration, naming the offending field. Fails the app's start-up: Nest reports it as
 * one line, `nestjs-sentinel: invalid option "<field>": <problem>`. The stack is that line too:
 * where in the resolver the problem was found tells the reader nothing the field does not.
 * @publicApi
 */
export class SentinelConfigError extends Error {
  /** The option, as a path: `bcryptCost`, `management.username`, `grants[0].grantType`. */
  declare readonly field: string;

  constructor(field: string, problem: string) {
    super(`nestjs-sentinel: invalid option "${field}": ${problem}`);
    this.name = 'SentinelConfigError';
    // Not enumerable, so logging the error prints the message line alone.
    Object.defineProperty(this, 'field', { value: field, enumerable: false });
    this.stack = `${this.name}: ${this.message}`;
  }
}

export const PATH_PATTERN = /^\/[A-Za-z0-9._~\-/]*$/;

export function normalizePath(field: string, value: unknown, allowRoot: boolean): string {
  if (typeof value !== 'string') throw new SentinelConfigError(field, 'must be a string path');
  const withSlash = value.startsWith('/') ? value : `/${value}`;
  const trimmed = withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
  if (!PATH_PATTERN.test(trimmed) || trimmed.includes('//')) {
    throw new SentinelConfigError(field, `"${value}" is not a plain URL path like /oauth`);
  }
  if (!allowRoot && trimmed === '/') throw new SentinelConfigError(field, 'must not be "/"');
  return trimmed;
}

export function optionalPath(field: string, value: unknown, fallback: string): string | false {
  if (value === false) return false;
  return normalizePath(field, value ?? fallback, false);
}

export function join(prefix: string, path: string): string {
  return prefix === '/' ? path : `${prefix}${path}`;
}

export function positiveInteger(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new SentinelConfigError(field, 'must be a positive integer');
  }
  return value;
}

export function optionalString(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new SentinelConfigError(field, 'must be a non-empty string');
  }
  return value;
}
