import { usageError } from './exit-codes.js';

/** Where the management API is and how to sign in to it. */
export interface Connection {
  /** Base URL of the management API, e.g. `http://127.0.0.1:3000/oauth/management`. */
  endpoint: URL;
  username?: string;
  password?: string;
}

/** The global options as commander parsed them. */
export interface ConnectionOptions {
  endpoint?: string;
  adminUser?: string;
  adminPassword?: string;
}

/** Environment variables read when the matching flag is absent. */
export const ENV = {
  endpoint: 'SENTINEL_ENDPOINT',
  username: 'SENTINEL_ADMIN_USER',
  password: 'SENTINEL_ADMIN_PASSWORD',
} as const;

/**
 * Flags first, then the environment. The credentials are only ever sent as HTTP Basic; nothing
 * here prints them.
 */
export function resolveConnection(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const raw = options.endpoint ?? env[ENV.endpoint];
  if (raw === undefined || raw === '') {
    throw usageError(`no endpoint: pass --endpoint <url> or set ${ENV.endpoint}`);
  }
  let endpoint: URL;
  try {
    endpoint = new URL(raw);
  } catch {
    throw usageError(`--endpoint must be an http(s) URL, got "${raw}"`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw usageError(`--endpoint must be an http(s) URL, got "${raw}"`);
  }
  const username = options.adminUser ?? env[ENV.username];
  const password = options.adminPassword ?? env[ENV.password];
  if ((username === undefined) !== (password === undefined)) {
    throw usageError(
      `give both the admin user and password (--admin-user/--admin-password or ` +
        `${ENV.username}/${ENV.password}) or neither`,
    );
  }
  return { endpoint, username, password };
}
