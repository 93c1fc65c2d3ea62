import { describe, expect, it } from '@jest/globals';
import { parseBasic } from './basic-auth.guard.js';
import { isJson } from './same-origin.guard.js';

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('parseBasic (RFC 7617)', () => {
  it('splits at the first colon and decodes UTF-8', () => {
    expect(parseBasic(`Basic ${encode('admin:pa:ss wörd')}`)).toEqual({
      username: 'admin',
      password: 'pa:ss wörd',
    });
    expect(parseBasic(`basic ${encode(':')}`)).toEqual({ username: '', password: '' });
  });

  it.each([
    ['no colon', `Basic ${encode('admin')}`],
    ['not base64', 'Basic ***'],
    ['nothing', 'Basic '],
    ['invalid UTF-8', `Basic ${Buffer.from([0x61, 0x3a, 0xc3]).toString('base64')}`],
    // Node's decoder ignores a trailing partial group; RFC 7617 expects valid base64 (issue 15).
    ['a valid credential with a character appended', `Basic ${encode('admin:secret')}A`],
    ['a valid credential with three characters appended', `Basic ${encode('admin:secret')}QUF`],
    ['missing padding', `Basic ${encode('admin:secre').replace(/=+$/, '')}`],
    ['non-canonical padding bits', `Basic ${encode('admin:secre').replace(/.=$/, 'B=')}`],
  ])('refuses %s', (_case, header) => {
    expect(parseBasic(header)).toBeUndefined();
  });
});

describe('isJson', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/json; charset="utf8"', true],
    ['application/json; charset=latin1', false],
    ['application/json-patch+json', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    [undefined, false],
  ])('%s → %s', (type, expected) => {
    expect(isJson(type)).toBe(expected);
  });
});
