import { Header, applyDecorators } from '@nestjs/common';
import { escapeHtml } from '../../../src/interaction/pages/escape-html.js';
import { cspHash } from '../../../src/management/console/console-page.js';
import { DEMO_CALLBACK_PATH, type DemoClient } from './demo-client.js';
import { DEMO_STYLES } from './demo-styles.js';

/** Where the pages load their script from (demo.controller.ts). */
const SCRIPT_PATH = '/demo/demo.js';

/**
 * The demo pages' headers: never cached (the callback URL carries a code), no referrer (so the
 * code does not leak to other sites, RFC 9700 §4.2.4), never framed, and a strict CSP: scripts
 * from this origin only (no inline script), the stylesheet by hash, fetch to this origin only
 * (the token endpoint and the protected route live here), no forms at all.
 */
export const DEMO_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    `style-src '${cspHash(DEMO_STYLES)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
};

/** Sets {@link DEMO_PAGE_HEADERS} on a handler. */
export function DemoPageHeaders(): MethodDecorator {
  return applyDecorators(
    ...Object.entries(DEMO_PAGE_HEADERS).map(([name, value]) => Header(name, value)),
  );
}

/** The page with the "Sign in" button. */
export function startPage(client: DemoClient): string {
  const ready = client.clientId !== undefined;
  return document(
    client,
    'start',
    `<h1>Try the sign-in flow</h1>
<p class="lead">A public client running in your browser. It signs you in with the authorization
code grant and PKCE, then calls this app's protected route with the token it gets.</p>
<ol class="steps">
<li>Sign in sends you to the authorization server with a fresh PKCE challenge and <code>state</code>.</li>
<li>You sign in as the demo user and allow access.</li>
<li>Back here, the code is exchanged for a token, which calls <code>GET ${escapeHtml(client.paths.resourcePath)}</code>.</li>
</ol>
<p class="error" role="alert" id="start-error" hidden></p>
<div class="actions"><button type="button" class="primary" id="sign-in"${ready ? '' : ' disabled'}>Sign in</button></div>
<p class="fine">${ready ? 'Use the demo user printed by <code>npm start</code>.' : 'The demo client is being set up; reload in a moment.'}</p>`,
  );
}

/** The redirect URI's page: checks the answer, redeems the code and shows the result. */
export function callbackPage(client: DemoClient): string {
  return document(
    client,
    'callback',
    `<section id="working" role="status">
<h1>Finishing sign-in…</h1>
<p class="lead">Checking the answer and exchanging the code for a token.</p>
</section>
<section id="done" hidden>
<h1><span class="ok" aria-hidden="true">✓</span> You are signed in</h1>
<p class="lead">The code was exchanged for a token, and the token opened the protected route.</p>
<dl class="facts">
<dt>Access token</dt><dd>received (not shown)</dd>
<dt>Expires in</dt><dd id="expires-in"></dd>
<dt>Scope</dt><dd id="scope"></dd>
<dt>Refresh token</dt><dd id="refresh"></dd>
</dl>
<p><code>GET ${escapeHtml(client.paths.resourcePath)}</code> answered <span id="resource-status"></span>:</p>
<pre id="resource"></pre>
</section>
<section id="failed" hidden>
<h1 id="failed-title">Not signed in</h1>
<p class="error" role="alert" id="failed-message"></p>
<p class="fine" id="failed-detail"></p>
</section>
<div class="actions"><a class="button secondary" href="/demo" id="again">Start again</a></div>`,
  );
}

function document(client: DemoClient, page: 'start' | 'callback', content: string): string {
  const data = {
    page,
    'client-id': client.clientId ?? '',
    scope: client.scope,
    metadata: client.paths.metadataPath,
    callback: DEMO_CALLBACK_PATH,
    resource: client.paths.resourcePath,
  };
  const attributes = Object.entries(data)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page === 'start' ? 'Demo web app' : 'Demo web app: signing in'}</title>
<style>${DEMO_STYLES}</style>
<script src="${SCRIPT_PATH}" defer></script>
</head>
<body${attributes}>
<main class="card wide">
<div class="brand"><span class="logo client" aria-hidden="true">D</span><span>Demo web app</span><span class="badge">sample client</span></div>
${content}
<noscript><p class="error">This demo client runs in the browser: turn on JavaScript to try it.</p></noscript>
</main>
<footer>Served by the nestjs-sentinel sample app</footer>
</body>
</html>`;
}
