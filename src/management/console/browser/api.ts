/**
 * The management API as the console calls it: same-origin `fetch` under the page's own path, JSON
 * both ways (ADR 0005: `Content-Type: application/json` is the CSRF defence).
 */

// The API's answers, as management.presenters.ts writes them (snake_case, ISO 8601 dates).
export interface UserView {
  id: string;
  username: string;
  scope: string;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface ClientView {
  client_id: string;
  client_secret?: string;
  client_name: string;
  client_type: string;
  grant_types: string[];
  scope: string;
  redirect_uris: string[];
  first_party: boolean;
  created_at: string;
  updated_at: string;
}

export interface TokenView {
  id: string;
  client_id: string;
  user_id: string | null;
  scope: string;
  issued_at: string;
  expires_at: string;
  refresh_expires_at: string | null;
  revoked: boolean;
}

export interface ConsentView {
  client_id: string;
  client_name: string | null;
  scope: string;
  created_at: string;
  updated_at: string;
}

export interface PageView<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

/** A management error body: `error` code, a `message` for people, the offending `field`. */
export interface ErrorBody {
  error?: string;
  message?: string;
  field?: string;
}
export type QueryValue = string | number | undefined;

/** The API's root: the page's own path, so the console works under any prefix or proxy path. */
export const base = location.pathname.replace(/\/+$/, '');

/** A failed API call: the HTTP status (0 when the server was unreachable) and the error body. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody | null) {
    super(body?.message || 'The server answered HTTP ' + status);
    this.status = status;
    this.body = body ?? {};
  }
}

/** One same-origin call; resolves to the parsed JSON body (`null` for 204). */
export async function api<T = null>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(base + path, init);
  } catch {
    throw new ApiError(0, { message: 'The server could not be reached' });
  }
  if (response.status === 204) return null as T;
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data as ErrorBody | null);
  return data as T;
}

export function query(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? '?' + text : '';
}
