import { describe, expect, it } from '@jest/globals';
import { ApiRefusedError } from './management-client.js';
import { cell, page, record, refusal, table } from './output.js';

describe('CLI output', () => {
  it('pads table columns to their widest cell, the last one unpadded', () => {
    expect(
      table(
        [
          { id: 'a', name: 'longer name', n: 1 },
          { id: 'bbbb', name: 'x', n: null },
        ],
        ['id', 'name', 'n'],
      ),
    ).toBe('ID    NAME         N\n' + 'a     longer name  1\n' + 'bbbb  x            -\n');
  });

  it('joins arrays and shows missing values as -', () => {
    expect([cell(['password', 'refresh_token']), cell(''), cell(undefined), cell(false)]).toEqual([
      'password,refresh_token',
      '-',
      '-',
      'false',
    ]);
  });

  it('prints a record in the API field order and a page footer', () => {
    expect(record({ client_id: 'c1', scope: '' })).toBe('client_id  c1\nscope      -\n');
    expect(page({ items: [], total: 41, page: 2, per_page: 20 }, ['id'])).toBe(
      'ID\npage 2 of 3 (41 total)\n',
    );
  });

  it('shows a refusal as the API gave it, with every field error when there are several', () => {
    const error = new ApiRefusedError(400, {
      error: 'invalid_input',
      message: 'username must be a string',
      field: 'username',
      errors: [
        { field: 'username', message: 'username must be a string' },
        { field: 'password', message: 'password should not be empty' },
      ],
    });
    expect(refusal(error, false)).toBe(
      'nestjs-sentinel: HTTP 400 invalid_input: username must be a string\n' +
        '  username: username must be a string\n' +
        '  password: password should not be empty\n',
    );
    expect(JSON.parse(refusal(error, true))).toEqual(error.body);
  });
});
