import type { OAuthException } from '../errors/oauth.exception.js';

/** Where an answer goes and what identifies it: the redirect URI, `state` and `iss`. */
export interface AnswerTarget {
  redirectUri: string;
  state: string | null;
  issuer: string;
}

/**
 * The redirect URI with the answer's parameters added to its query, keeping the query it was
 * registered with (RFC 6749 §3.1.2). Registered URIs have no fragment. `state` is returned
 * untouched and `iss` always sent (RFC 9207 §2).
 */
export function answerUrl(target: AnswerTarget, parameters: Record<string, string>): string {
  const query = new URLSearchParams(parameters);
  if (target.state !== null) query.set('state', target.state);
  query.set('iss', target.issuer);
  const separator = target.redirectUri.includes('?') ? '&' : '?';
  return `${target.redirectUri}${separator}${query.toString()}`;
}

/** The success answer (RFC 6749 §4.1.2). */
export function codeAnswerUrl(target: AnswerTarget, code: string): string {
  return answerUrl(target, { code });
}

/** An error answer (RFC 6749 §4.1.2.1). */
export function errorAnswerUrl(target: AnswerTarget, error: OAuthException): string {
  const parameters: Record<string, string> = { error: error.code };
  if (error.description !== undefined) parameters.error_description = error.description;
  return answerUrl(target, parameters);
}
