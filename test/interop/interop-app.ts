/**
 * The host app the authorization-code interop suites run against: `SentinelModule.forRoot` with
 * the guarded `ProtectedController`, listening on a real loopback port, with the `issuer`
 * configured as `http://127.0.0.1:<port>` (RFC 8414 §2; http is allowed for loopback only).
 * The issuer is configured rather than derived from `Host` because that is how production runs
 * (a derived issuer is development only); the port is reserved first so the issuer can name it.
 */
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type AddressInfo } from 'node:net';
import {
  ClientStore,
  SentinelModule,
  UserRepository,
  type SentinelModuleOptions,
} from '../../src/index.js';
import { ProtectedController, type Platform } from '../module/module-testing.js';
import { BASE_OPTIONS } from '../revocation/protocol-testing.js';
import { createPlatformApp } from '../token/token-testing.js';
import { InteropBrowser } from './interop-browser.js';

/** Where the server answers; never fetched (the browser stops at the redirect to it). */
export const REDIRECT_URI = 'https://app.example.com/callback';
export const USER = { username: 'interop-ada', password: 'correct horse battery staple' };

export interface InteropApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>`, as configured and as the metadata names it. */
  issuer: string;
  publicClientId: string;
  confidential: { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

/** A free loopback port: bound, read and released, so the issuer can name it before listening. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startInteropApp(
  options: SentinelModuleOptions,
  platform: Platform,
): Promise<InteropApp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const moduleRef = await Test.createTestingModule({
    imports: [SentinelModule.forRoot({ ...BASE_OPTIONS, ...options, issuer })],
    controllers: [ProtectedController],
  }).compile();
  const app = await createPlatformApp(moduleRef, platform, { logger: false });
  await app.listen(port, '127.0.0.1');
  await app.get<UserRepository>(UserRepository).create({ ...USER, scope: 'orders profile' });
  const clients = app.get<ClientStore>(ClientStore);
  const common = {
    grantTypes: ['authorization_code', 'refresh_token'],
    scope: 'orders profile',
    redirectUris: [REDIRECT_URI],
  };
  const { client: publicClient } = await clients.create({
    ...common,
    clientName: 'Interop SPA',
    clientType: 'public',
  });
  const { client, clientSecret } = await clients.create({
    ...common,
    clientName: 'Interop web app',
    clientType: 'confidential',
  });
  return {
    app,
    issuer,
    publicClientId: publicClient.clientId,
    confidential: { clientId: client.clientId, clientSecret: clientSecret! },
    close: () => app.close(),
  };
}

/**
 * The person's part (DESIGN.md step 2): open the authorization URL, sign in on the built-in
 * page, allow on the consent page — unless the consent is remembered from an earlier flow of
 * the same user and client for the same scope (docs/security.md 30), when the sign-in already
 * answers. Returns the redirect to the client, untouched.
 */
export async function approveInBrowser(issuer: string, authorizationUrl: URL): Promise<URL> {
  const browser = new InteropBrowser(issuer);
  const signInPage = await browser.open(authorizationUrl);
  if (signInPage.status !== 200) throw new Error(`sign-in page: ${signInPage.status}`);
  const afterSignIn = await browser.submit(InteropBrowser.firstForm(signInPage), USER);
  if (afterSignIn.location !== undefined) return afterSignIn.location;
  if (afterSignIn.status !== 200) throw new Error(`consent page: ${afterSignIn.status}`);
  const answer = await browser.submit(InteropBrowser.firstForm(afterSignIn), {
    decision: 'allow',
  });
  if (answer.location === undefined) throw new Error(`no redirect to the client: ${answer.status}`);
  return answer.location;
}
