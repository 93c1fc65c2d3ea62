/**
 * The management console's script, entry file (browser TypeScript, type-checked by
 * tsconfig.console.json). scripts/build-console-script.js transpiles the files of this folder,
 * joins them in its FILES order into one strict IIFE and writes the string to
 * ../console.script.ts, which the page inlines and allows by its CSP hash: the package ships no
 * asset files (docs/adr/0005-management-protection.md, "Console").
 *
 * Every API URL is the page's own path plus `/users`, `/clients` or `/tokens`, so it works under
 * any prefix or proxy path. State-changing calls are same-origin `fetch` with `Content-Type:
 * application/json` (ADR 0005, CSRF). API data is only ever written with `textContent`, never
 * parsed as HTML. The grant types come from the page (server-rendered from the grant registry),
 * so this script has no grant list of its own.
 *
 * Joined into one scope, the files may import each other's names only (named, unrenamed, from
 * `./<file>.js` of a file earlier in FILES); the generator refuses anything else and any name
 * declared twice.
 */

import { base } from './api.js';
import { $ } from './dom.js';
import { clearAlert, showError } from './feedback.js';
import { loadUsers } from './users.js';
import { loadClients } from './clients.js';
import { closeDetail } from './detail.js';

function selectTab(name: string): void {
  for (const tab of ['users', 'clients']) {
    $('tab-' + tab).setAttribute('aria-selected', String(tab === name));
    $(tab + '-view').hidden = tab !== name;
  }
}

document.querySelectorAll('[data-tab]').forEach((tab) => {
  tab.addEventListener('click', () => {
    closeDetail();
    selectTab(tab.getAttribute('data-tab') ?? '');
  });
});
$('alert-close').addEventListener('click', clearAlert);
$('where').textContent = location.host + base;

Promise.all([loadUsers(), loadClients()]).then(
  ([usersManaged]) => {
    if (!usersManaged) selectTab('clients');
    document.body.setAttribute('data-ready', 'true');
  },
  (error: unknown) => {
    showError(error);
    document.body.setAttribute('data-ready', 'true');
  },
);
