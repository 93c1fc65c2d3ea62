import { describe, expect, it } from '@jest/globals';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { BearerChallengeException, BearerChallenges } from './bearer-challenge.js';

describe('BearerChallenges', () => {
  it('no token: a realm-only challenge, a body without error code (RFC 6750 §3.1, docs/security.md 8)', () => {
    const error = new BearerChallenges(
      'api',
      () => 'https://example.com/e',
    ).authenticationRequired();
    expect(error).toBeInstanceOf(BearerChallengeException);
    expect(error).not.toBeInstanceOf(OAuthException);
    expect(error.getStatus()).toBe(401);
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="api"' });
    expect(error.getResponse()).not.toHaveProperty('error');
  });

  it('insufficient_scope: 403, an OAuthException whose body and toBody() name the scope', () => {
    const error = new BearerChallenges('api').insufficientScope(['read', 'admin']);
    expect(error).toBeInstanceOf(OAuthException);
    expect(error.code).toBe(OAuthErrorCode.InsufficientScope);
    expect(error.getStatus()).toBe(403);
    const body = {
      error: 'insufficient_scope',
      error_description: 'The access token lacks a scope this resource requires',
      scope: 'read admin',
    };
    expect(error.getResponse()).toEqual(body);
    expect(error.toBody()).toEqual(body);
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", ' +
        'error_description="The access token lacks a scope this resource requires", ' +
        'scope="read admin"',
    );
  });

  it('adds the error_uri of each error code to header and body, and none where there is none', () => {
    const errorUri = 'https://docs.example.com/errors#invalid_token';
    const challenges = new BearerChallenges('api', (code) =>
      code === 'invalid_token' ? errorUri : undefined,
    );
    const invalid = challenges.invalidToken();
    expect(invalid.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", ' +
        `error_description="The access token is invalid, expired or revoked", error_uri="${errorUri}"`,
    );
    expect(invalid.getResponse()).toMatchObject({ error_uri: errorUri });
    const scope = challenges.insufficientScope(['read']);
    expect(scope.headers['WWW-Authenticate']).not.toContain('error_uri');
    expect(scope.getResponse()).not.toHaveProperty('error_uri');
  });

  it('invalid_request is a 400 carrying its description in header and body', () => {
    const error = new BearerChallenges('api').invalidRequest('Bad thing');
    expect(error.getStatus()).toBe(400);
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_request", error_description="Bad thing"',
    );
    expect(error.getResponse()).toEqual({
      error: 'invalid_request',
      error_description: 'Bad thing',
    });
  });
});
