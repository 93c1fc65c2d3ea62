/** A user's remembered consents in the detail panel, each with a Withdraw button. */

import { api, query } from './api.js';
import type { ConsentView, PageView } from './api.js';
import { $, h } from './dom.js';
import { PER_PAGE, state } from './state.js';
import { showAlert, guarded } from './feedback.js';
import { when, chips, shortId, emptyRow, pager } from './widgets.js';
import { loadTokens } from './detail.js';

/** Shows the consents section for a user's detail and hides it for a client's. */
export function showConsents(visible: boolean): void {
  $('consents-section').hidden = !visible;
  if (!visible) $('consents-rows').replaceChildren();
}

export async function loadConsents(): Promise<void> {
  const detail = state.detail;
  if (!detail || detail.kind !== 'user') return;
  const page = await api<PageView<ConsentView>>(
    'GET',
    '/users/' +
      encodeURIComponent(detail.id) +
      '/consents' +
      query({ page: state.consentsPage, per_page: PER_PAGE }),
  );
  // Another user or client was opened meanwhile: its own call renders the table.
  if (state.detail !== detail) return;
  const rows = $('consents-rows');
  rows.replaceChildren();
  if (page.items.length === 0) {
    rows.appendChild(emptyRow(5, 'No remembered consents.'));
  }
  for (const consent of page.items) {
    const client = consent.client_name
      ? h('span', { className: 'nowrap', title: consent.client_id, text: consent.client_name })
      : shortId(consent.client_id, true);
    const name = consent.client_name ?? consent.client_id;
    const withdraw = h('button', {
      type: 'button',
      className: 'btn small danger',
      text: 'Withdraw',
      onclick: guarded(async () => {
        const question =
          'Withdraw the consent of "' +
          detail.record.username +
          '" to "' +
          name +
          '"? Their tokens of this client are revoked and they are asked again.';
        if (!confirm(question)) return;
        await api(
          'DELETE',
          '/users/' +
            encodeURIComponent(detail.id) +
            '/consents/' +
            encodeURIComponent(consent.client_id),
        );
        showAlert('Consent to "' + name + '" withdrawn and its tokens revoked.', true);
        await Promise.all([loadConsents(), loadTokens()]);
      }),
    });
    rows.appendChild(
      h('tr', { 'data-consent-client': consent.client_id }, [
        h('td', null, [client]),
        h('td', null, chips(consent.scope, 'none')),
        h('td', { className: 'muted', text: when(consent.created_at) }),
        h('td', { className: 'muted', text: when(consent.updated_at) }),
        h('td', { className: 'actions' }, [withdraw]),
      ]),
    );
  }
  pager($('consents-pager'), page, (number) => {
    state.consentsPage = number;
    void guarded(loadConsents)();
  });
}
