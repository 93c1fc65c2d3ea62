/** The Clients tab, the one-time secret box and a client's detail (settings, rotate, delete). */

import { api, query } from './api.js';
import type { ClientView, PageView } from './api.js';
import { $, $input, $form, h } from './dom.js';
import { PER_PAGE, state, selected } from './state.js';
import { showAlert, action, guarded } from './feedback.js';
import { when, badge, chips, shortId, emptyRow, pager, field } from './widgets.js';
import { meta, showDetail, closeDetail, loadTokens } from './detail.js';
import { showConsents } from './consents.js';

/** Redirect URIs typed into one field: separated by spaces (a URI never contains one). */
function uriList(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

export async function loadClients(): Promise<void> {
  const page = await api<PageView<ClientView>>(
    'GET',
    '/clients' + query({ page: state.clientsPage, per_page: PER_PAGE }),
  );
  $('clients-count').textContent = String(page.total);
  const rows = $('clients-rows');
  rows.replaceChildren();
  if (page.items.length === 0) {
    rows.appendChild(emptyRow(6, 'No clients yet. Create one with the form.'));
  }
  for (const client of page.items) {
    state.clientNames.set(client.client_id, client.client_name);
    const manage = h('button', {
      type: 'button',
      className: 'btn small',
      text: 'Manage',
      onclick: guarded(() => openClient(client.client_id)),
    });
    rows.appendChild(
      h(
        'tr',
        {
          'data-client-name': client.client_name,
          className: selected('client', client.client_id) ? 'selected' : '',
        },
        [
          h('td', { className: 'name' }, [h('strong', { text: client.client_name })]),
          h('td', null, [shortId(client.client_id)]),
          h('td', null, [
            badge(client.client_type, client.client_type === 'confidential' ? 'info' : ''),
            client.first_party ? badge('first-party', 'ok') : null,
          ]),
          h('td', null, chips(client.grant_types.join(' '), 'none')),
          h('td', null, chips(client.scope, 'none')),
          h('td', { className: 'actions' }, [manage]),
        ],
      ),
    );
  }
  pager($('clients-pager'), page, (number) => {
    state.clientsPage = number;
    void guarded(loadClients)();
  });
}

const clientForm = $form('client-create');
clientForm.addEventListener(
  'submit',
  action(clientForm, async () => {
    const data = new FormData(clientForm);
    const client = await api<ClientView>('POST', '/clients', {
      client_name: data.get('client_name'),
      client_type: data.get('client_type'),
      grant_types: data.getAll('grant_types'),
      scope: data.get('scope'),
      redirect_uris: uriList(String(data.get('redirect_uris') ?? '')),
      first_party: data.get('first_party') !== null,
    });
    clientForm.reset();
    if (client.client_secret) showSecret(client, 'Client "' + client.client_name + '" created');
    else {
      showAlert(
        'Public client "' + client.client_name + '" created; client_id ' + client.client_id + '.',
        true,
      );
    }
    await loadClients();
  }),
);

/** Shows a client secret once, at creation or rotation (docs/security.md 21). */
export function showSecret(client: ClientView, title: string): void {
  $('secret-title').textContent = title;
  $input('secret-client-id').value = client.client_id;
  $input('secret-value').value = client.client_secret ?? '';
  $('secret').hidden = false;
  $('secret').scrollIntoView({ block: 'nearest' });
}

$('secret-done').addEventListener('click', () => {
  $input('secret-value').value = '';
  $('secret').hidden = true;
});

document.querySelectorAll<HTMLElement>('[data-copy]').forEach((button) => {
  button.addEventListener('click', () => {
    const input = $input(button.getAttribute('data-copy') ?? '');
    const done = () => {
      button.textContent = 'Copied';
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    };
    const fallback = () => {
      input.select();
      document.execCommand('copy');
      done();
    };
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, fallback);
    else fallback();
  });
});

export async function openClient(clientId: string): Promise<void> {
  const client = await api<ClientView>('GET', '/clients/' + encodeURIComponent(clientId));
  state.detail = { kind: 'client', id: client.client_id, record: client };
  renderClient(client);
  showDetail();
  showConsents(false);
  await Promise.all([loadTokens(), loadClients()]);
}

export function renderClient(client: ClientView): void {
  $('detail-title').textContent = 'Client ' + client.client_name;
  meta([
    ['client_id', client.client_id, true],
    ['type', client.client_type + (client.first_party ? ', first-party' : '')],
    ['created', when(client.created_at)],
  ]);
  const form = $form('detail-form');
  const name = h('input', { type: 'text', name: 'client_name', value: client.client_name });
  const scope = h('input', { type: 'text', name: 'scope', value: client.scope });
  const redirectUris = h('input', {
    type: 'text',
    name: 'redirect_uris',
    value: client.redirect_uris.join(' '),
  });
  const firstParty = h('input', {
    type: 'checkbox',
    name: 'first_party',
    checked: client.first_party,
  });
  // The registered grant types, as the server rendered them into the create form.
  const registered = Array.from(
    document.querySelectorAll<HTMLInputElement>('#client-create input[name=grant_types]'),
    (input) => input.value,
  );
  const grants = registered.map((grant) =>
    h('input', {
      type: 'checkbox',
      name: 'grant_types',
      value: grant,
      checked: client.grant_types.includes(grant),
    }),
  );
  form.replaceChildren(
    field('Name', name),
    h('fieldset', null, [
      h('legend', { text: 'Grant types' }),
      ...grants.map((input) => h('label', { className: 'check grant' }, [input, input.value])),
    ]),
    field('Scope', scope, 'Scopes the client may request.'),
    field('Redirect URIs', redirectUris, 'Space-separated; where a browser sign-in may return.'),
    h('label', { className: 'check' }, [firstParty, 'First-party (skip consent)']),
    h('div', { className: 'row' }, [
      h('button', { type: 'submit', className: 'btn primary', text: 'Save changes' }),
    ]),
  );
  form.onsubmit = action(form, async () => {
    const updated = await api<ClientView>(
      'PATCH',
      '/clients/' + encodeURIComponent(client.client_id),
      {
        client_name: name.value,
        grant_types: grants.filter((input) => input.checked).map((input) => input.value),
        scope: scope.value,
        redirect_uris: uriList(redirectUris.value),
        first_party: firstParty.checked,
      },
    );
    showAlert('Client "' + updated.client_name + '" saved.', true);
    if (state.detail?.kind === 'client') state.detail.record = updated;
    renderClient(updated);
    await loadClients();
  });
  const actions: HTMLButtonElement[] = [];
  if (client.client_type === 'confidential') {
    const rotate = guarded(async () => {
      const question =
        'Issue a new secret for "' +
        client.client_name +
        '"? The current secret stops working at once.';
      if (!confirm(question)) return;
      const rotated = await api<ClientView>(
        'POST',
        '/clients/' + encodeURIComponent(client.client_id) + '/secret',
        {},
      );
      showSecret(rotated, 'New secret for "' + rotated.client_name + '"');
    });
    actions.push(
      h('button', { type: 'button', className: 'btn', text: 'Rotate secret', onclick: rotate }),
    );
  }
  const remove = guarded(async () => {
    if (!confirm('Delete client "' + client.client_name + '"? Its tokens are revoked.')) return;
    await api('DELETE', '/clients/' + encodeURIComponent(client.client_id));
    closeDetail();
    showAlert('Client "' + client.client_name + '" deleted and its tokens revoked.', true);
    await loadClients();
  });
  actions.push(
    h('button', {
      type: 'button',
      className: 'btn danger',
      text: 'Delete client',
      onclick: remove,
    }),
  );
  $('detail-actions').replaceChildren(...actions);
  $('tokens-party').textContent = 'User';
}
