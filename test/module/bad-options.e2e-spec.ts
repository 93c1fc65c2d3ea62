import { describe, expect, it } from '@jest/globals';
import { Module, type DynamicModule, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { inspect } from 'node:util';
import { SentinelConfigError, SentinelModule } from '../../src/index.js';

/** Keeps what Nest logs as errors, rendered as the console would (util.inspect). */
class ErrorCapture implements LoggerService {
  readonly lines: string[] = [];
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  error(message: unknown, ...rest: unknown[]): void {
    for (const part of [message, ...rest]) {
      if (part === undefined || part === 'ExceptionHandler') continue;
      this.lines.push(...(typeof part === 'string' ? part : inspect(part)).split('\n'));
    }
  }
}

/** Starts a host app importing `sentinel` the way a host's main.ts does, and what it logged. */
async function bootstrap(sentinel: DynamicModule): Promise<{ error: unknown; lines: string[] }> {
  @Module({ imports: [sentinel] })
  class AppModule {}
  const logger = new ErrorCapture();
  try {
    const app = await NestFactory.create(AppModule, { logger, abortOnError: false });
    await app.close();
  } catch (error) {
    return { error, lines: logger.lines };
  }
  throw new Error('expected the app not to start');
}

describe('A bad option fails start-up with one line naming the field (not at module definition)', () => {
  it.each([
    ['forRoot', () => SentinelModule.forRoot({ bcryptCost: 4 }), 'bcryptCost'],
    [
      'forRoot, a bad grant registration',
      () =>
        SentinelModule.forRoot({
          grants: [{ grantType: 'password', useClass: class {} as never }],
        }),
      'grants[0].grantType',
    ],
    [
      'forRootAsync, a bad route',
      () => SentinelModule.forRootAsync({ routes: { tokenPath: 'a b' }, useFactory: () => ({}) }),
      'tokenPath',
    ],
    [
      'forRootAsync, a bad option from the factory',
      () => SentinelModule.forRootAsync({ useFactory: () => ({ accessTokenTtl: -1 }) }),
      'accessTokenTtl',
    ],
    [
      'forRootAsync, grants from the factory',
      () =>
        SentinelModule.forRootAsync({
          useFactory: () => ({ grants: [] }) as never,
        }),
      'grants',
    ],
    [
      'forResourceServer',
      () => SentinelModule.forResourceServer({ redis: 'redis://localhost', realm: 'a"b' }),
      'realm',
    ],
  ])('%s', async (_form, register, field) => {
    let sentinel: DynamicModule | undefined;
    expect(() => {
      sentinel = register();
    }).not.toThrow();
    const { error, lines } = await bootstrap(sentinel!);
    expect(error).toBeInstanceOf(SentinelConfigError);
    expect((error as SentinelConfigError).field).toBe(field);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`nestjs-sentinel: invalid option "${field}"`);
    expect(lines[0]).not.toMatch(/\bat /);
  });
});
