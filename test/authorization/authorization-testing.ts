import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
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
