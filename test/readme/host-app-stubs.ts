/**
 * What the README's snippets take from the app around them: its own modules (`./accounts.js`,
 * `./orders.service.js`, `./main.js`) and two packages this repository does not install
 * (`@nestjs/config`, `@liaoliaots/nestjs-redis`), declared with the signatures the snippets use.
 * Everything else a snippet uses must be imported by the snippet itself.
 */
export const HOST_APP_FILES: Record<string, string> = {
  'accounts.ts': `
import { Injectable, Module } from '@nestjs/common';
export interface Account { id: string; email: string; active: boolean; createdAt: Date; updatedAt: Date }
@Injectable()
export class AccountsService {
  async findByEmail(_email: string): Promise<Account | null> { return null; }
  async findById(_id: string): Promise<Account | null> { return null; }
  async checkPassword(_account: Account | null, _password: string): Promise<boolean> { return false; }
}
@Module({ providers: [AccountsService], exports: [AccountsService] })
export class AccountsModule {}
`,
  'orders.service.ts': `
export class OrdersService {
  all(): unknown[] { return []; }
  of(_userId: string): unknown[] { return []; }
}
`,
  'main.ts': `
import type { INestApplication } from '@nestjs/common';
export declare const app: INestApplication;
`,
  'packages.d.ts': `
declare module '@nestjs/config' {
  export class ConfigModule {}
  export class ConfigService {
    get<T = any>(propertyPath: string): T | undefined;
    getOrThrow<T = any>(propertyPath: string): T;
  }
}
declare module '@liaoliaots/nestjs-redis' {
  import type { Redis } from 'ioredis';
  export class RedisService {
    getOrThrow(namespace?: string): Redis;
  }
}
`,
};
