import { describe, expect, it } from '@jest/globals';
import { getConnectionToken } from '@nestjs/mongoose';
import { hostConnectionToken } from './host-connection-token.js';

describe('hostConnectionToken', () => {
  it.each([undefined, 'default', 'main', 'DatabaseConnection'])(
    'matches @nestjs/mongoose for %p',
    (name) => {
      const asked = name === 'default' ? undefined : name;
      expect(hostConnectionToken(asked)).toBe(getConnectionToken(asked));
    },
  );
});
