import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import request from 'supertest';
import {
  Clock,
  ClientStore,
  ConsentStore,
  SentinelModule,
  UserRepository,
  type SentinelModuleOptions,
} from '../../src/index.js';
import type { ResolvedSentinelOptions } from '../../src/options/resolved-options.js';
import { SENTINEL_OPTIONS, SENTINEL_REDIS } from '../../src/sentinel.constants.js';
import { BACKENDS, ProtectedController } from '../module/module-testing.js';
import { createPlatformApp, FakeClock, PLATFORMS, type Platform } from '../token/token-testing.js';
import { s256Challenge } from '../../src/authorization/pkce.js';
import { generateToken } from '../../src/crypto/token-generator.js';

/** The cookie the interaction pages set (browser-binding.ts). */
export const COOKIE_NAME = 'sentinel_session';

/** A PKCE pair (RFC 7636 §4.1–4.2). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = generateToken() + generateToken();
  return { verifier, challenge: s256Challenge(verifier) };
}

/** The forms of an HTML page: action and hidden fields, read the way a browser would. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
}

export function formsOf(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/g)) {
    const fields: Record<string, string> = {};
    for (const input of match[2].matchAll(
      /<input type="hidden" name="([^"]*)" value="([^"]*)">/g,
    )) {
      fields[unescape(input[1])] = unescape(input[2]);
    }
    forms.push({ action: unescape(match[1]), fields });
  }
  return forms;
}

function unescape(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * A browser for supertest: keeps the interaction cookie (one, path-scoped to the prefix, which
 * every request here is under) and follows nothing by itself, so each step can be checked.
 */
export class TestBrowser {
  cookie: string | undefined;

  constructor(private readonly app: INestApplication) {}

  async get(path: string): Promise<request.Response> {
    const req = request(this.app.getHttpServer()).get(path);
    if (this.cookie !== undefined) req.set('Cookie', `${COOKIE_NAME}=${this.cookie}`);
    return this.remember(await req);
  }

  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<request.Response> {
    const req = request(this.app.getHttpServer())
      .post(path)
      .type('form')
      .send(new URLSearchParams(fields).toString());
    if (this.cookie !== undefined) req.set('Cookie', `${COOKIE_NAME}=${this.cookie}`);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return this.remember(await req);
  }

  /** GET `path`, then follow `303`s on this server (never to another origin). */
  async follow(path: string): Promise<request.Response> {
    let res = await this.get(path);
    for (let hops = 0; res.status === 303 && hops < 5; hops++) {
      const location = res.headers.location as string;
      if (!location.startsWith('/')) return res;
      res = await this.get(location);
    }
    return res;
  }

  private remember(res: request.Response): request.Response {
    const setCookie = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of setCookie ?? []) {
      const [pair] = line.split(';');
      const [name, value] = pair.split('=');
      if (name !== COOKIE_NAME) continue;
      this.cookie = value === '' || /expires=Thu, 01 Jan 1970/i.test(line) ? undefined : value;
    }
    return res;
  }
}

/** The query parameters of a redirect to the client. */
export function answerOf(location: string): Record<string, string> {
  return Object.fromEntries(new URL(location).searchParams);
}

/** A running app for the authorization endpoint's suites, with its ports and a fake clock. */
export interface AuthorizationApp {
  app: INestApplication;
  clock: FakeClock;
  users: UserRepository;
  clients: ClientStore;
  consents: ConsentStore;
  redis: Redis | null;
  options: ResolvedSentinelOptions;
  close(): Promise<void>;
}

/** One backend × platform combination of the suites. */
export const COMBINATIONS: Array<[string, (label: string) => SentinelModuleOptions, Platform]> =
  BACKENDS.flatMap(([name, backend]) =>
    PLATFORMS.map(
      (platform) =>
        [`${name}, ${platform}`, backend, platform] as [
          string,
          (label: string) => SentinelModuleOptions,
          Platform,
        ],
    ),
  );

/** Starts `SentinelModule.forRoot(options)` (bcrypt cost 10) on `platform` with a fake clock. */
export async function startAuthorizationApp(
  options: SentinelModuleOptions,
  platform: Platform = 'express',
  imports: ModuleMetadata['imports'] = [],
): Promise<AuthorizationApp> {
  const clock = new FakeClock();
  const moduleRef = await Test.createTestingModule({
    imports: [SentinelModule.forRoot({ bcryptCost: 10, ...options }), ...(imports ?? [])],
    controllers: [ProtectedController],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = await createPlatformApp(moduleRef, platform, { logger: false });
  return {
    app,
    clock,
    users: app.get<UserRepository>(UserRepository),
    clients: app.get<ClientStore>(ClientStore),
    consents: app.get<ConsentStore>(ConsentStore),
    redis: app.get<Redis | null>(SENTINEL_REDIS),
    options: app.get<ResolvedSentinelOptions>(SENTINEL_OPTIONS),
    close: () => app.close(),
  };
}

/** The parameters of an authorization request (RFC 6749 §4.1.1) with PKCE, plus overrides. */
export function authorizePath(
  clientId: string,
  redirectUri: string | undefined,
  challenge: string,
  extra: Record<string, string | undefined> = {},
): string {
  const parameters: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'orders',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined) query.set(name, value);
  }
  return `/oauth/authorize?${query}`;
}

/** Posts the (only) sign-in form of `page` with the credentials. */
export function submitSignIn(
  browser: TestBrowser,
  page: request.Response,
  username: string,
  password: string,
): Promise<request.Response> {
  const [form] = formsOf(page.text);
  return browser.post(form.action, { ...form.fields, username, password });
}

/** Posts the consent form of `page` (the first form) with the decision. */
export function submitConsent(
  browser: TestBrowser,
  page: request.Response,
  decision: 'allow' | 'deny',
): Promise<request.Response> {
  const [form] = formsOf(page.text);
  return browser.post(form.action, { ...form.fields, decision });
}

/** Redeems `code` at the token endpoint as a public client (RFC 6749 §4.1.3). */
export function redeemCode(
  app: INestApplication,
  fields: Record<string, string | undefined>,
  auth?: string,
): request.Test {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries({ grant_type: 'authorization_code', ...fields })) {
    if (value !== undefined) body.set(name, value);
  }
  const req = request(app.getHttpServer()).post('/oauth/token').type('form');
  if (auth !== undefined) req.set('Authorization', auth);
  return req.send(body.toString());
}

/** Which page a response is: by its heading. */
export function headingOf(page: request.Response): string {
  return /<h1>([\s\S]*?)<\/h1>/.exec(page.text)?.[1].replace(/<[^>]+>/g, '') ?? '';
}
