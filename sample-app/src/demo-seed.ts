import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ClientStore, DEVICE_CODE_GRANT_TYPE, UserRepository } from '../../src/index.js';
import { DEMO_CALLBACK_PATH, DemoClient } from './demo/demo-client.js';

export interface DemoData {
  username: string;
  password: string;
  /** The public client of the curl walkthrough (password grant). */
  clientId: string;
  /** The browser demo's public client (authorization code + PKCE), when `/demo` is served. */
  webClientId?: string;
}

/** The scope the demo user and both demo clients work with. */
const DEMO_SCOPE = 'orders';

/**
 * Creates a demo user and a public client for curl (in-memory default only), so a token is one
 * curl away; with `webPort`, also the browser demo's public client (so it is one click away),
 * whose redirect URIs are the callback on both loopback names at that port (the port of a
 * loopback redirect URI may differ anyway, RFC 8252 §7.3, docs/security.md 23).
 */
export async function seedDemoData(app: INestApplication, webPort?: number): Promise<DemoData> {
  const users = app.get<UserRepository>(UserRepository);
  const clients = app.get<ClientStore>(ClientStore);
  const password = randomBytes(9).toString('base64url');
  await users.create({ username: 'demo', password });
  const { client } = await clients.create({
    clientName: 'Demo app',
    clientType: 'public',
    // The curl walkthrough's password grant, and the device flow's printed lines (RFC 8628).
    grantTypes: ['password', 'refresh_token', DEVICE_CODE_GRANT_TYPE],
    scope: DEMO_SCOPE,
  });
  if (webPort === undefined) return { username: 'demo', password, clientId: client.clientId };
  const { client: web } = await clients.create({
    clientName: 'Demo web app',
    clientType: 'public',
    grantTypes: ['authorization_code', 'refresh_token'],
    scope: DEMO_SCOPE,
    redirectUris: ['localhost', '127.0.0.1'].map(
      (host) => `http://${host}:${webPort}${DEMO_CALLBACK_PATH}`,
    ),
  });
  const demo = app.get(DemoClient, { strict: false });
  demo.clientId = web.clientId;
  demo.scope = DEMO_SCOPE;
  return { username: 'demo', password, clientId: client.clientId, webClientId: web.clientId };
}
