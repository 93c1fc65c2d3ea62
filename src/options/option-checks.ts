/** Bad configuration, naming the offending field. Thrown at bootstrap. */
export class SentinelConfigError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`nestjs-sentinel: invalid option "${field}": ${problem}`);
    this.name = 'SentinelConfigError';
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
