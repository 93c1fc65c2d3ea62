import type { ResolvedSentinelOptions } from '../options/resolved-options.js';

/** Whether management credentials (username and password) are configured. */
export function hasManagementCredentials(options: ResolvedSentinelOptions): boolean {
  const { username, password } = options.management;
  return username !== undefined && password !== undefined;
}

/**
 * Where to mount management, or `false` not to mount it (docs/security.md 15): only when a path is
 * set and it is protected by credentials or explicitly opened. With `forRootAsync` the
 * credentials come from the factory, after routes exist: pass `credentialsKnown = false` to
 * mount whenever a path is set; the Basic auth guard then answers 404 while none are configured.
 */
export function managementMountPath(
  options: ResolvedSentinelOptions,
  credentialsKnown = true,
): string | false {
  if (options.managementPath === false) return false;
  if (!credentialsKnown) return options.managementPath;
  const mounted =
    hasManagementCredentials(options) || options.management.dangerouslyAllowUnauthenticated;
  return mounted ? options.managementPath : false;
}

/** The start-up warning about management, if one is due: not mounted, or mounted open. */
export function managementWarning(options: ResolvedSentinelOptions): string | undefined {
  const path = options.managementPath;
  if (path === false || hasManagementCredentials(options)) return undefined;
  if (options.management.dangerouslyAllowUnauthenticated) {
    return (
      `MANAGEMENT IS OPEN: ${path} (API and console) is mounted WITHOUT authentication because ` +
      'management.dangerouslyAllowUnauthenticated is true. Anyone who can reach it can create ' +
      'users and clients and revoke tokens. Use this only on a throw-away local setup; set ' +
      'management.username and management.password instead.'
    );
  }
  return (
    `Management (API and console) is NOT mounted at ${path}: no credentials are configured. ` +
    'Set management.username and management.password to enable it, or managementPath: false ' +
    'to disable it and silence this warning.'
  );
}
