/**
 * A browser over real HTTP for the interop suites: Node's `fetch` with the one interaction
 * cookie kept by hand (ADR 0018; it is path-scoped to the prefix, which every request here is
 * under). It follows `303`s on the server's own origin and stops at the first one elsewhere —
 * the answer to the client (RFC 6749 §4.1.2), which the test hands to the OAuth library.
 */
import { COOKIE_NAME, formsOf, type PageForm } from '../authorization/authorization-testing.js';

/** A page the browser stopped at: a `200` page, or a redirect to another origin. */
export interface BrowserStop {
  status: number;
  url: URL;
  /** Set when the server sent the browser to another origin (the client's redirect URI). */
  location?: URL;
  html: string;
}

export class InteropBrowser {
  private cookie: string | undefined;

  constructor(private readonly origin: string) {}

  /** GET `url`, then follow same-origin `303`s. */
  async open(url: string | URL): Promise<BrowserStop> {
    return this.settle(await this.request(new URL(url, this.origin), 'GET'));
  }

  /** Submits `form` (its hidden fields plus `fields`) the way a browser posts a form. */
  async submit(form: PageForm, fields: Record<string, string>): Promise<BrowserStop> {
    const body = new URLSearchParams({ ...form.fields, ...fields });
    return this.settle(await this.request(new URL(form.action, this.origin), 'POST', body));
  }

  /** The first form of `page`; throws with the page's status when there is none. */
  static firstForm(page: BrowserStop): PageForm {
    const [form] = formsOf(page.html);
    if (form === undefined) throw new Error(`no form on the page at ${page.url.pathname}`);
    return form;
  }

  private async settle(start: { response: Response; url: URL }): Promise<BrowserStop> {
    let { response, url } = start;
    for (let hops = 0; response.status === 303 && hops < 5; hops++) {
      const location = new URL(response.headers.get('location') ?? '', url);
      if (location.origin !== this.origin) {
        return { status: 303, url, location, html: await response.text() };
      }
      ({ response, url } = await this.request(location, 'GET'));
    }
    return { status: response.status, url, html: await response.text() };
  }

  private async request(
    url: URL,
    method: 'GET' | 'POST',
    body?: URLSearchParams,
  ): Promise<{ response: Response; url: URL }> {
    const headers: Record<string, string> = {};
    if (this.cookie !== undefined) headers.cookie = `${COOKIE_NAME}=${this.cookie}`;
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair.split('=');
      if (name !== COOKIE_NAME) continue;
      this.cookie = value === '' || /expires=Thu, 01 Jan 1970/i.test(line) ? undefined : value;
    }
    return { response, url };
  }
}
