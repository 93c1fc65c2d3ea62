import type { Connection } from './connection.js';
import { CliError, ExitCode } from './exit-codes.js';

/** A management API error body as the API gave it (`{error, message, field?, errors?}`). */
export interface ApiErrorBody {
  error?: unknown;
  message?: unknown;
  field?: unknown;
  errors?: unknown;
  [key: string]: unknown;
}

/** The API answered with a status that is not 2xx; `body` is its JSON, untouched. */
export class ApiRefusedError extends CliError {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(ExitCode.Refused, `HTTP ${status}`);
  }
}

type Query = Record<string, string | undefined>;

/**
 * The management API over global `fetch`: JSON in, JSON out, HTTP Basic when credentials are
 * given (README "Management: REST API and web console"). Resolves to the parsed body, or
 * `undefined` for `204 No Content`.
 */
export class ManagementClient {
  constructor(
    private readonly connection: Connection,
    private readonly timeoutMs = 30_000,
  ) {}

  get(path: string, query: Query = {}): Promise<unknown> {
    return this.request('GET', path, query);
  }

  post(path: string, body: object): Promise<unknown> {
    return this.request('POST', path, {}, body);
  }

  patch(path: string, body: object): Promise<unknown> {
    return this.request('PATCH', path, {}, body);
  }

  delete(path: string, query: Query = {}): Promise<unknown> {
    return this.request('DELETE', path, query);
  }

  /** `segments` joined under the endpoint, each one percent-encoded (ids come from users). */
  static path(...segments: string[]): string {
    return segments.map((segment) => `/${encodeURIComponent(segment)}`).join('');
  }

  private async request(
    method: string,
    path: string,
    query: Query,
    body?: object,
  ): Promise<unknown> {
    const url = this.url(path, query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    const { username, password } = this.connection;
    if (username !== undefined && password !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
    }
    // Management refuses POST and PATCH without this type (its CSRF defence).
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new CliError(
        ExitCode.Unreachable,
        `cannot reach ${url.origin}: ${describeFetchError(error)}`,
      );
    }
    const text = await response.text();
    if (response.status === 204) return undefined;
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(
        ExitCode.BadResponse,
        `${url.origin}${url.pathname} answered HTTP ${response.status} with a body that is not ` +
          `JSON: is --endpoint the management API (e.g. http://host:3000/oauth/management)?`,
      );
    }
    if (!response.ok) {
      const errorBody = typeof parsed === 'object' && parsed !== null ? parsed : {};
      throw new ApiRefusedError(response.status, errorBody as ApiErrorBody);
    }
    return parsed;
  }

  private url(path: string, query: Query): URL {
    const url = new URL(this.connection.endpoint);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    // Credentials belong in the header, never in a URL that could be logged.
    url.username = '';
    url.password = '';
    return url;
  }
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'no answer in time';
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause.code === 'string') return cause.code;
    if (cause && typeof cause.message === 'string') return cause.message;
    return error.message;
  }
  return String(error);
}
