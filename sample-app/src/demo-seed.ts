import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ClientStore, UserRepository } from '../../src/index.js';

export interface DemoData {
  username: string;
  password: string;
  clientId: string;
}

/** Creates a demo user and a public client (in-memory default only), so a token is one curl away. */
export async function seedDemoData(app: INestApplication): Promise<DemoData> {
  const users = app.get<UserRepository>(UserRepository);
  const clients = app.get<ClientStore>(ClientStore);
  const password = randomBytes(9).toString('base64url');
  await users.create({ username: 'demo', password });
  const { client } = await clients.create({
    clientName: 'Demo app',
    clientType: 'public',
    grantTypes: ['password', 'refresh_token'],
    scope: 'orders',
  });
  return { username: 'demo', password, clientId: client.clientId };
}
