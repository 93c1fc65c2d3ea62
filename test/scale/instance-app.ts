/**
 * One app instance of the "N instances behind a balancer" suite (issue 17), run as its own
 * process: SentinelModule with the options given as JSON in `SCALE_INSTANCE` (shared by every
 * instance, as README "Deploying at scale" asks) and a host route behind OAuthGuard. Prints
 * `listening on <url>` once it accepts requests; SIGTERM closes it.
 */
import 'reflect-metadata';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  OAuthGuard,
  OAuthIdentity,
  SentinelModule,
  type OAuthIdentityInfo,
  type SentinelModuleOptions,
} from '../../src/index.js';

/** What the test hands each instance. */
export interface InstanceConfig {
  port: number;
  options: SentinelModuleOptions;
}

@Controller('api')
@UseGuards(OAuthGuard)
class ProtectedController {
  @Get('me')
  me(@OAuthIdentity() identity: OAuthIdentityInfo): OAuthIdentityInfo {
    return identity;
  }
}

async function main(): Promise<void> {
  const raw = process.env.SCALE_INSTANCE;
  if (raw === undefined) throw new Error('SCALE_INSTANCE is not set');
  const config = JSON.parse(raw) as InstanceConfig;

  @Module({ imports: [SentinelModule.forRoot(config.options)], controllers: [ProtectedController] })
  class InstanceModule {}

  const app = await NestFactory.create(InstanceModule, { logger: ['error', 'warn'] });
  await app.listen(config.port, '127.0.0.1');
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });
  console.log(`listening on http://127.0.0.1:${config.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
