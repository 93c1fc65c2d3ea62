import { escapeHtml } from './escape-html.js';
import { PAGE_STYLES } from './page-styles.js';
import type { PageForm } from './page-views.js';

/** A "Not <username>? Sign out" line, to switch accounts. */
export function switchAccount(username: string, signOut: PageForm): string {
  return `<div class="account"><span>Not ${escapeHtml(username)}?</span>
<form method="post" action="${escapeHtml(signOut.action)}">${hiddenFields(signOut)}<button type="submit" class="link">Sign out</button></form></div>`;
}

/** The hidden fields of `form`, escaped. */
export function hiddenFields(form: PageForm): string {
  return Object.entries(form.hidden)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
}

/** The one layout of the interaction pages: a card with the built-in sheet (CSP-hashed). */
export function document(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLES}</style>
</head>
<body>
<main class="card">
<div class="brand"><span class="logo" aria-hidden="true">◆</span><span>Sign-in</span></div>
${content}
</main>
</body>
</html>`;
}
