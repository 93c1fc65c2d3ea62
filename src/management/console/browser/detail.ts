/** The detail panel shared by users and clients: its facts line and the tokens table. */

import { api, query } from './api.js';
import type { TokenView, PageView } from './api.js';
import { $, h } from './dom.js';
import { PER_PAGE, state } from './state.js';
import type { Detail } from './state.js';
import { showAlert, guarded } from './feedback.js';
import { when, badge, chips, shortId, known, emptyRow, pager } from './widgets.js';

/** The detail's facts: label, value and whether the value is an id (monospace). */
export function meta(pairs: readonly [string, string, boolean?][]): void {
  const container = $('detail-meta');
  container.replaceChildren();
  for (const [label, value, mono] of pairs) {
    container.appendChild(
      h('span', null, [label + ' ', h('b', { className: mono ? 'mono' : '', text: value })]),
    );
  }
}

export function showDetail(): void {
  $('detail').hidden = false;
  state.tokensPage = 1;
  state.consentsPage = 1;
  $('detail').scrollIntoView({ block: 'start', behavior: 'smooth' });
}

export function closeDetail(): void {
  state.detail = null;
  $('detail').hidden = true;
  document.querySelectorAll('tr.selected').forEach((row) => (row.className = ''));
}
$('detail-close').addEventListener('click', closeDetail);

export function tokenStatus(token: TokenView): HTMLSpanElement {
  const now = Date.now();
  if (token.revoked) return badge('Revoked', 'off');
  if (Date.parse(token.expires_at) > now) return badge('Active', 'ok');
  if (token.refresh_expires_at && Date.parse(token.refresh_expires_at) > now) {
    return badge('Refreshable', 'info');
  }
  return badge('Expired');
}

export function tokenFilter(detail: Detail): Record<string, string> {
  return detail.kind === 'user' ? { user_id: detail.id } : { client_id: detail.id };
}

export async function loadTokens(): Promise<void> {
  const detail = state.detail;
  if (!detail) return;
  const page = await api<PageView<TokenView>>(
    'GET',
    '/tokens' + query({ page: state.tokensPage, per_page: PER_PAGE, ...tokenFilter(detail) }),
  );
  // Another user or client was opened meanwhile: its own call renders the table.
  if (state.detail !== detail) return;
  const rows = $('tokens-rows');
  rows.replaceChildren();
  if (page.items.length === 0) rows.appendChild(emptyRow(7, 'No tokens issued.'));
  for (const token of page.items) {
    const party =
      detail.kind === 'user'
        ? known(state.clientNames.get(token.client_id), token.client_id)
        : token.user_id === null
          ? h('span', { className: 'muted', text: 'the client itself' })
          : known(state.usernames.get(token.user_id), token.user_id);
    const revoke = h('button', {
      type: 'button',
      className: 'btn small danger',
      text: 'Revoke',
      disabled: token.revoked,
      onclick: guarded(async () => {
        await api('DELETE', '/tokens/' + encodeURIComponent(token.id));
        showAlert('Token revoked.', true);
        await loadTokens();
      }),
    });
    rows.appendChild(
      h('tr', { 'data-token-id': token.id }, [
        h('td', null, [shortId(token.id, true)]),
        h('td', null, [party]),
        h('td', null, chips(token.scope, 'none')),
        h('td', { className: 'muted', text: when(token.issued_at) }),
        h('td', { className: 'muted', text: when(token.expires_at) }),
        h('td', null, [tokenStatus(token)]),
        h('td', { className: 'actions' }, [revoke]),
      ]),
    );
  }
  pager($('tokens-pager'), page, (number) => {
    state.tokensPage = number;
    void guarded(loadTokens)();
  });
}

$('tokens-revoke-all').addEventListener(
  'click',
  guarded(async () => {
    const detail = state.detail;
    if (!detail) return;
    const who =
      detail.kind === 'user'
        ? 'user "' + detail.record.username + '"'
        : 'client "' + detail.record.client_name + '"';
    if (!confirm('Revoke every token of ' + who + '?')) return;
    const result = await api<{ revoked: number }>('DELETE', '/tokens' + query(tokenFilter(detail)));
    showAlert(result.revoked + ' token(s) revoked.', true);
    await loadTokens();
  }),
);
