import type { AuthorizationParameters } from './authorization-request.validator.js';

/** Longest query read (a browser's URL limit is about this); longer is refused on a page. */
export const MAX_QUERY_LENGTH = 8 * 1024;

/** The query parameters of an authorization request and the names given more than once. */
export interface ReadParameters {
  parameters: AuthorizationParameters;
  repeated: ReadonlySet<string>;
}

/**
 * Reads the query of `GET /authorize` flat (RFC 6749 §3.1), from the raw URL rather than the
 * platform's parsed `query` (which may nest `a[b]=c`): strings only, empty values as omitted,
 * and a repeated name reported instead of kept (§3.1: "MUST NOT be included more than once").
 * @returns `null` when the query is longer than {@link MAX_QUERY_LENGTH}.
 */
export function readQueryParameters(request: unknown): ReadParameters | null {
  const req = request as { originalUrl?: string; url?: string; raw?: { url?: string } };
  const url = req.originalUrl ?? req.url ?? req.raw?.url ?? '';
  const start = url.indexOf('?');
  const query = start < 0 ? '' : url.slice(start + 1).split('#')[0];
  if (query.length > MAX_QUERY_LENGTH) return null;
  const parameters: Record<string, string> = Object.create(null);
  const repeated = new Set<string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(query)) {
    if (seen.has(name)) {
      repeated.add(name);
      delete parameters[name];
      continue;
    }
    seen.add(name);
    if (value !== '') parameters[name] = value;
  }
  return { parameters, repeated };
}
