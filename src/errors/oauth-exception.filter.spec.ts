import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { BadRequestException, Logger, type ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import { resolveSentinelOptions } from '../options/resolve-options.js';
import { ConflictError, StorageUnavailableError } from '../storage/storage.errors.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';
import { OAuthException } from './oauth.exception.js';

interface FakeResponse {
  headers: Record<string, string>;
  status?: number;
  body?: unknown;
  sent: boolean;
}

function render(exception: unknown, errorUri?: string): FakeResponse {
  const response: FakeResponse = { headers: {}, sent: false };
  const adapterHost = {
    httpAdapter: {
      isHeadersSent: (res: FakeResponse) => res.sent,
      setHeader: (res: FakeResponse, name: string, value: string) => {
        res.headers[name] = value;
      },
      reply: (res: FakeResponse, body: unknown, status: number) => {
        res.body = body;
        res.status = status;
        res.sent = true;
      },
    },
  } as unknown as HttpAdapterHost;
  const host = {
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ArgumentsHost;
  const filter = new OAuthExceptionFilter(
    adapterHost,
    resolveSentinelOptions(errorUri ? { errorUri } : {}),
  );
  filter.catch(exception, host);
  return response;
}

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

describe('OAuthExceptionFilter (docs/security.md 3, 4, 18, 22)', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('renders an OAuthException with its status, headers, body and no-store', () => {
    const response = render(OAuthException.invalidClient('Client authentication failed', 'r'));
    expect(response.status).toBe(401);
    expect(response.headers).toEqual({
      ...NO_STORE,
      'WWW-Authenticate': 'Basic realm="r", charset="UTF-8"',
    });
    expect(response.body).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed',
    });
  });

  it('adds error_uri when the options set one (RFC 6749 §5.2)', () => {
    const response = render(OAuthException.invalidGrant('x'), 'https://docs.example/errors');
    expect(response.body).toEqual({
      error: 'invalid_grant',
      error_description: 'x',
      error_uri: 'https://docs.example/errors',
    });
  });

  it('renders 405 with Allow: POST', () => {
    const response = render(OAuthException.methodNotAllowed());
    expect(response.status).toBe(405);
    expect(response.headers.Allow).toBe('POST');
  });

  it.each([
    ['StorageUnavailableError', new StorageUnavailableError('mongo down')],
    ['CacheUnavailableError', new CacheUnavailableError('redis down')],
  ])(
    'renders %s as 503 temporarily_unavailable with Retry-After (docs/security.md 18)',
    (_n, error) => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const response = render(error);
      expect(response.status).toBe(503);
      expect(response.headers).toEqual({ ...NO_STORE, 'Retry-After': '5' });
      expect(response.body).toMatchObject({ error: 'temporarily_unavailable' });
    },
  );

  it('renders anything else as 500 {"error":"server_error"} without a stack, and logs it', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const error = new TypeError('boom');
    const response = render(error);
    expect(response.status).toBe(500);
    expect(response.headers).toEqual(NO_STORE);
    expect(JSON.stringify(response.body)).toBe('{"error":"server_error"}');
    expect(logged).toHaveBeenCalledWith('TypeError: boom', error.stack);
  });

  it('renders an unexpected ConflictError as 500, not as a conflict', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(render(new ConflictError('dup', 'accessTokenDigest')).status).toBe(500);
  });

  it('keeps a host HttpException 4xx status as invalid_request', () => {
    const response = render(new BadRequestException('whatever'));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_request' });
  });

  it('renders a thrown non-Error as 500', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(render('string thrown').status).toBe(500);
  });
});
