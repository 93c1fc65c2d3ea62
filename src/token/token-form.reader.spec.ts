import { PassThrough } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { OAuthException } from '../errors/oauth.exception.js';
import { MAX_TOKEN_BODY_BYTES, TokenFormReader } from './token-form.reader.js';

const FORM = 'application/x-www-form-urlencoded';
const reader = new TokenFormReader();

function parsed(body: unknown, headers: Record<string, string> = { 'content-type': FORM }) {
  return { url: '/oauth/token', headers, body };
}

function raw(text: string | Buffer, headers: Record<string, string> = { 'content-type': FORM }) {
  return {
    url: '/oauth/token',
    headers,
    body: {},
    rawBody: Buffer.isBuffer(text) ? text : Buffer.from(text),
  };
}

function stream(chunks: Array<string | Buffer>, headers: Record<string, string> = {}) {
  const request = Object.assign(new PassThrough(), {
    url: '/oauth/token',
    headers: { 'content-type': FORM, ...headers },
  });
  for (const chunk of chunks) request.write(chunk);
  request.end();
  return request;
}

async function failure(promise: Promise<unknown>): Promise<{ status: number; body: object }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthException) return { status: error.getStatus(), body: error.toBody() };
    throw error;
  }
  throw new Error('expected an OAuthException');
}

describe('TokenFormReader', () => {
  describe('query string (docs/security.md 1)', () => {
    it.each(['client_secret', 'password', 'refresh_token', 'username', 'client_id', 'grant_type'])(
      'refuses %s in the query string with 400 invalid_request',
      async (name) => {
        const request = { ...parsed({}), url: `/oauth/token?${name}=x` };
        const { status, body } = await failure(reader.read(request));
        expect(status).toBe(400);
        expect(body).toEqual({
          error: 'invalid_request',
          error_description: `Parameter ${name} must be sent in the request body, not in the query string`,
        });
      },
    );

    it('refuses bracketed credential names in the query string', async () => {
      const request = { ...parsed({}), url: '/oauth/token?password[$ne]=x' };
      expect((await failure(reader.read(request))).status).toBe(400);
    });

    it('ignores other query parameters', async () => {
      const request = { ...parsed({ grant_type: 'password' }), url: '/oauth/token?foo=bar' };
      expect({ ...(await reader.read(request)) }).toEqual({ grant_type: 'password' });
    });
  });

  describe('media type (docs/security.md 1)', () => {
    it.each([
      ['application/json'],
      ['text/plain'],
      ['multipart/form-data; boundary=x'],
      ['application/x-www-form-urlencoded-foo'],
    ])('refuses %s with 400 invalid_request', async (type) => {
      const { status, body } = await failure(reader.read(parsed({}, { 'content-type': type })));
      expect(status).toBe(400);
      expect(body).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses a request without Content-Type', async () => {
      expect((await failure(reader.read(parsed({}, {})))).status).toBe(400);
    });

    it('accepts a UTF-8 charset parameter and any letter case', async () => {
      const request = parsed(
        { grant_type: 'password' },
        { 'content-type': 'Application/X-WWW-Form-URLEncoded; charset="UTF-8"' },
      );
      expect(await reader.read(request)).toMatchObject({ grant_type: 'password' });
    });

    it('refuses a non-UTF-8 charset', async () => {
      const request = parsed({}, { 'content-type': `${FORM}; charset=iso-8859-1` });
      expect((await failure(reader.read(request))).status).toBe(400);
    });
  });

  describe('size cap (docs/security.md 2)', () => {
    it('refuses a declared Content-Length over 64 KiB with 413 before reading', async () => {
      const request = parsed(
        {},
        {
          'content-type': FORM,
          'content-length': String(MAX_TOKEN_BODY_BYTES + 1),
        },
      );
      const { status, body } = await failure(reader.read(request));
      expect(status).toBe(413);
      expect(body).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses a raw body over 64 KiB with 413', async () => {
      const { status } = await failure(reader.read(raw(`a=${'x'.repeat(MAX_TOKEN_BODY_BYTES)}`)));
      expect(status).toBe(413);
    });

    it('refuses a streamed body over 64 KiB with 413 without a Content-Length', async () => {
      const chunk = 'x'.repeat(16 * 1024);
      const request = stream(['password=', chunk, chunk, chunk, chunk, chunk]);
      expect((await failure(reader.read(request))).status).toBe(413);
    });

    it('reads a body of exactly 64 KiB', async () => {
      const text = `a=${'x'.repeat(MAX_TOKEN_BODY_BYTES - 2)}`;
      expect((await reader.read(stream([text]))).a).toHaveLength(MAX_TOKEN_BODY_BYTES - 2);
    });
  });

  describe.each([
    ['raw body (rawBody: true)', (text: string) => raw(text)],
    ['unread stream (bodyParser: false)', (text: string) => stream([text])],
    ['parsed string body', (text: string) => parsed(text)],
  ])('flat parsing from a %s (docs/security.md 2)', (_label, make) => {
    it('reads parameters, percent- and plus-decoded', async () => {
      const form = await reader.read(
        make('grant_type=password&username=al%C3%AFce&password=a+b%26c'),
      );
      expect({ ...form }).toEqual({ grant_type: 'password', username: 'alïce', password: 'a b&c' });
    });

    it('treats password[$ne]=x as an unknown literal name, never an object', async () => {
      const form = await reader.read(make('username[$gt]=&password[$ne]=x&grant_type=password'));
      expect({ ...form }).toEqual({ 'password[$ne]': 'x', grant_type: 'password' });
      expect(form.password).toBeUndefined();
      expect(form.username).toBeUndefined();
    });

    it('refuses a parameter given twice with 400 invalid_request naming it', async () => {
      const { status, body } = await failure(reader.read(make('username=a&username=b')));
      expect(status).toBe(400);
      expect(body).toEqual({
        error: 'invalid_request',
        error_description: 'Parameter username is repeated',
      });
    });

    it('refuses a repeat even when one value is empty', async () => {
      expect((await failure(reader.read(make('scope=&scope=read')))).status).toBe(400);
    });

    it('drops empty values as omitted', async () => {
      const form = await reader.read(make('scope=&grant_type=password'));
      expect('scope' in form).toBe(false);
    });

    it('returns a prototype-less record of strings', async () => {
      const form = await reader.read(make('__proto__=x&constructor=y'));
      expect(Object.getPrototypeOf(form)).toBeNull();
      expect(form.constructor).toBe('y');
      expect(Object.values(form).every((value) => typeof value === 'string')).toBe(true);
    });
  });

  it('refuses a raw body that is not UTF-8', async () => {
    const { status } = await failure(reader.read(raw(Buffer.from([0x61, 0x3d, 0xff, 0xfe]))));
    expect(status).toBe(400);
  });

  describe('a body the host already parsed (qs, extended: true)', () => {
    it('keeps string values and drops empty ones', async () => {
      const form = await reader.read(parsed({ grant_type: 'password', scope: '' }));
      expect({ ...form }).toEqual({ grant_type: 'password' });
    });

    it('refuses an array value (repeated parameter) naming it', async () => {
      const { status, body } = await failure(reader.read(parsed({ username: ['a', 'b'] })));
      expect(status).toBe(400);
      expect(body).toEqual({
        error: 'invalid_request',
        error_description: 'Parameter username is repeated',
      });
    });

    it.each([
      [{ password: { $ne: 'x' } }, 'password'],
      [{ username: { $gt: '' } }, 'username'],
      [{ client_id: 5 }, 'client_id'],
    ])('refuses the non-string value %j naming %s', async (body, name) => {
      const result = await failure(reader.read(parsed(body)));
      expect(result.status).toBe(400);
      expect(result.body).toEqual({
        error: 'invalid_request',
        error_description: `Parameter ${name} must be a single string value`,
      });
    });

    it('refuses parsed parameters over 64 KiB with 413 (chunked body, no Content-Length)', async () => {
      const { status } = await failure(
        reader.read(parsed({ password: 'x'.repeat(MAX_TOKEN_BODY_BYTES) })),
      );
      expect(status).toBe(413);
    });

    it('reads an absent body as an empty form', async () => {
      expect(Object.keys(await reader.read(parsed(undefined)))).toEqual([]);
    });
  });
});
