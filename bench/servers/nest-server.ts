import 'reflect-metadata';
import {
  Controller,
  Get,
  Injectable,
  Module,
  UseGuards,
  type CanActivate,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import mongoose from 'mongoose';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/device/device-grant-type.js';
import { ClientStore, OAuthGuard, SentinelModule, UserRepository } from '../../src/index.js';
import { PAYLOAD, READY, readConfig, type NestServerConfig } from '../lib/config.js';

/** A guard that lets every request through: what any guard costs in Nest, whatever it checks. */
@Injectable()
class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

/**
 * MongoDB operations this process issued, by `collection.method`: every Sentinel store reaches
 * MongoDB through Mongoose collections, whose global debug hook sees each call (scenario 8).
 */
const mongoOps: Record<string, number> = {};

/**
 * The app under test: a host controller with the same handler three times — unguarded, behind a
 * guard that allows everything, and behind OAuthGuard — plus the module's own token endpoint.
 * One process per configuration.
 */
@Controller()
class BenchController {
  @Get('open')
  open(): typeof PAYLOAD {
    return PAYLOAD;
  }

  @Get('allowed')
  @UseGuards(AllowGuard)
  allowed(): typeof PAYLOAD {
    return PAYLOAD;
  }

  @Get('protected')
  @UseGuards(OAuthGuard)
  protected(): typeof PAYLOAD {
    return PAYLOAD;
  }

  /** The MongoDB operation counts so far (scenario 8 reads them before and after polling). */
  @Get('bench/mongo-ops')
  ops(): Record<string, number> {
    return mongoOps;
  }
}

async function main(): Promise<void> {
  const config = readConfig<NestServerConfig>('nest');
  if (config.device) {
    mongoose.set('debug', (collection: string, method: string) => {
      const key = `${collection}.${method}`;
      mongoOps[key] = (mongoOps[key] ?? 0) + 1;
    });
  }
  @Module({
    imports: [
      SentinelModule.forRoot({
        mongo: { uri: config.mongoUrl, dbName: config.dbName },
        redis:
          config.redisCluster === undefined
            ? config.redisUrl
            : { clusterNodes: config.redisCluster },
        keyPrefix: config.keyPrefix,
        localCache: config.localCache,
        bcryptCost: config.bcryptCost,
        ...(config.device ? { deviceCode: { interval: config.device.interval } } : {}),
      }),
    ],
    controllers: [BenchController],
  })
  class BenchModule {}

  const logger = ['error', 'warn'] as const;
  const app: INestApplication =
    config.platform === 'fastify'
      ? await NestFactory.create(BenchModule, new FastifyAdapter(), { logger: [...logger] })
      : await NestFactory.create(BenchModule, { logger: [...logger] });
  await app.listen(config.port, '127.0.0.1');
  // Closed and exited normally (not killed), so `--cpu-prof` can write its profile.
  process.once('SIGTERM', () => {
    void app.close().then(() => process.exit(0));
  });

  let clientId: string | undefined;
  let codeClientId: string | undefined;
  const userIds: string[] = [];
  if (config.seedUsers) {
    const { prefix, count, password } = config.seedUsers;
    const users = app.get<UserRepository>(UserRepository);
    for (let i = 0; i < count; i += 1) {
      userIds.push((await users.create({ username: `${prefix}${i}`, password })).id);
    }
    const { client } = await app.get<ClientStore>(ClientStore).create({
      clientName: 'bench',
      clientType: 'public',
      grantTypes: ['password'],
      scope: 'read',
    });
    clientId = client.clientId;
  }
  if (config.codeFlow) {
    const { client } = await app.get<ClientStore>(ClientStore).create({
      clientName: 'bench code flow',
      clientType: 'public',
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'read',
      redirectUris: [config.codeFlow.redirectUri],
    });
    codeClientId = client.clientId;
  }
  if (config.device) {
    const { client } = await app.get<ClientStore>(ClientStore).create({
      clientName: 'bench device',
      clientType: 'public',
      grantTypes: [DEVICE_CODE_GRANT_TYPE],
      scope: 'read',
    });
    clientId = client.clientId;
  }
  console.log(`${READY} ${JSON.stringify({ clientId, codeClientId, userIds })}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
