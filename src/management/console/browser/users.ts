/** The Users tab and a user's detail (settings, consents, delete). */

import { ApiError, api, query } from './api.js';
import type { UserView, PageView } from './api.js';
import { $, $form, h } from './dom.js';
import { PER_PAGE, state, selected } from './state.js';
import { showAlert, action, guarded } from './feedback.js';
import { when, badge, chips, emptyRow, pager, field } from './widgets.js';
import { meta, showDetail, closeDetail, loadTokens } from './detail.js';
import { loadConsents, showConsents } from './consents.js';

/** @returns false when the host manages its own users (the Users tab is then replaced). */
export async function loadUsers(): Promise<boolean> {
  let page: PageView<UserView>;
  try {
    page = await api<PageView<UserView>>(
      'GET',
      '/users' +
        query({ page: state.usersPage, per_page: PER_PAGE, username: state.usernameFilter }),
    );
  } catch (error) {
    if (error instanceof ApiError && error.body.error === 'users_not_managed') {
      $('users-unmanaged').hidden = false;
      $('users-layout').hidden = true;
      $('users-count').textContent = '\u2013';
      return false;
    }
    throw error;
  }
  $('users-count').textContent = String(page.total);
  const rows = $('users-rows');
  rows.replaceChildren();
  if (page.items.length === 0) {
    rows.appendChild(
      emptyRow(
        5,
        state.usernameFilter
          ? 'No user with this username.'
          : 'No users yet. Create one with the form.',
      ),
    );
  }
  for (const user of page.items) {
    state.usernames.set(user.id, user.username);
    const manage = h('button', {
      type: 'button',
      className: 'btn small',
      text: 'Manage',
      onclick: guarded(() => openUser(user.id)),
    });
    rows.appendChild(
      h(
        'tr',
        {
          'data-username': user.username,
          className: selected('user', user.id) ? 'selected' : '',
        },
        [
          h('td', { className: 'name' }, [h('strong', { text: user.username })]),
          h('td', null, chips(user.scope, 'any')),
          h('td', null, [user.disabled ? badge('Disabled', 'off') : badge('Active', 'ok')]),
          h('td', { className: 'muted', text: when(user.created_at) }),
          h('td', { className: 'actions' }, [manage]),
        ],
      ),
    );
  }
  pager($('users-pager'), page, (number) => {
    state.usersPage = number;
    void guarded(loadUsers)();
  });
  return true;
}

const userForm = $form('user-create');
userForm.addEventListener(
  'submit',
  action(userForm, async () => {
    const data = new FormData(userForm);
    const user = await api<UserView>('POST', '/users', {
      username: data.get('username'),
      password: data.get('password'),
      scope: data.get('scope'),
    });
    userForm.reset();
    showAlert('User "' + user.username + '" created.', true);
    await loadUsers();
  }),
);

const filterForm = $form('users-filter');
filterForm.addEventListener(
  'submit',
  action(filterForm, async () => {
    state.usernameFilter = String(new FormData(filterForm).get('username') || '').trim();
    state.usersPage = 1;
    await loadUsers();
  }),
);

export async function openUser(id: string): Promise<void> {
  const user = await api<UserView>('GET', '/users/' + encodeURIComponent(id));
  state.detail = { kind: 'user', id: user.id, record: user };
  renderUser(user);
  showDetail();
  showConsents(true);
  await Promise.all([loadTokens(), loadConsents(), loadUsers()]);
}

export function renderUser(user: UserView): void {
  $('detail-title').textContent = 'User ' + user.username;
  meta([
    ['id', user.id, true],
    ['created', when(user.created_at)],
    ['updated', when(user.updated_at)],
  ]);
  const form = $form('detail-form');
  const scope = h('input', { type: 'text', name: 'scope', value: user.scope });
  const disabled = h('input', { type: 'checkbox', name: 'disabled', checked: user.disabled });
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'new-password',
    placeholder: 'Leave empty to keep',
  });
  form.replaceChildren(
    field('Scope', scope, 'Empty: no restriction.'),
    field('New password', password, 'Changing it revokes the user\u2019s tokens.'),
    h('label', { className: 'check' }, [disabled, 'Disabled (revokes the user\u2019s tokens)']),
    h('div', { className: 'row' }, [
      h('button', { type: 'submit', className: 'btn primary', text: 'Save changes' }),
    ]),
  );
  form.onsubmit = action(form, async () => {
    const body: { scope: string; disabled: boolean; password?: string } = {
      scope: scope.value,
      disabled: disabled.checked,
    };
    if (password.value) body.password = password.value;
    const updated = await api<UserView>('PATCH', '/users/' + encodeURIComponent(user.id), body);
    const revoked = body.password !== undefined || (body.disabled && !user.disabled);
    showAlert(
      'User "' + updated.username + '" saved.' + (revoked ? ' Their tokens were revoked.' : ''),
      true,
    );
    if (state.detail?.kind === 'user') state.detail.record = updated;
    renderUser(updated);
    await Promise.all([loadUsers(), loadTokens()]);
  });
  const remove = guarded(async () => {
    const question =
      'Delete user "' + user.username + '"? Their tokens are revoked and their consents withdrawn.';
    if (!confirm(question)) return;
    await api('DELETE', '/users/' + encodeURIComponent(user.id));
    closeDetail();
    showAlert(
      'User "' + user.username + '" deleted, their tokens revoked and consents withdrawn.',
      true,
    );
    await loadUsers();
  });
  $('detail-actions').replaceChildren(
    h('button', { type: 'button', className: 'btn danger', text: 'Delete user', onclick: remove }),
  );
  $('tokens-party').textContent = 'Client';
}
