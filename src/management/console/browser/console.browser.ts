/**
 * The management console's script (browser TypeScript, type-checked by tsconfig.console.json).
 * scripts/build-console-script.js transpiles it into one strict IIFE and writes the string to
 * ../console.script.ts, which the page inlines and allows by its CSP hash: the package ships no
 * asset files (docs/adr/0005-management-protection.md, "Console").
 *
 * Every API URL is the page's own path plus `/users`, `/clients` or `/tokens`, so it works under
 * any prefix or proxy path. State-changing calls are same-origin `fetch` with `Content-Type:
 * application/json` (ADR 0005, CSRF). API data is only ever written with `textContent`, never
 * parsed as HTML. The grant types come from the page (server-rendered from the grant registry),
 * so this script has no grant list of its own.
 *
 * The file is self-contained: no imports (the generator refuses them), DOM types only.
 */

// The API's answers, as management.presenters.ts writes them (snake_case, ISO 8601 dates).
interface UserView {
  id: string;
  username: string;
  scope: string;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

interface ClientView {
  client_id: string;
  client_secret?: string;
  client_name: string;
  client_type: string;
  grant_types: string[];
  scope: string;
  created_at: string;
  updated_at: string;
}

interface TokenView {
  id: string;
  client_id: string;
  user_id: string | null;
  scope: string;
  issued_at: string;
  expires_at: string;
  refresh_expires_at: string | null;
  revoked: boolean;
}

interface PageView<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

/** A management error body: `error` code, a `message` for people, the offending `field`. */
interface ErrorBody {
  error?: string;
  message?: string;
  field?: string;
}

type Detail =
  | { kind: 'user'; id: string; record: UserView }
  | { kind: 'client'; id: string; record: ClientView };

type Listener = (event: Event) => unknown;
type PropValue = string | number | boolean | null | undefined | Listener;
type Child = Node | string | null | undefined;
type QueryValue = string | number | undefined;

const base = location.pathname.replace(/\/+$/, '');
const PER_PAGE = 20;
const state: {
  usersPage: number;
  clientsPage: number;
  tokensPage: number;
  usernameFilter: string;
  detail: Detail | null;
  usernames: Map<string, string>;
  clientNames: Map<string, string>;
} = {
  usersPage: 1,
  clientsPage: 1,
  tokensPage: 1,
  usernameFilter: '',
  detail: null,
  usernames: new Map(),
  clientNames: new Map(),
};

/** The page's element with this id; the markup is ours, so a missing one is a bug. */
function $(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`The page has no #${id}`);
  return node;
}

function $input(id: string): HTMLInputElement {
  const node = $(id);
  if (!(node instanceof HTMLInputElement)) throw new Error(`#${id} is not an input`);
  return node;
}

function $form(id: string): HTMLFormElement {
  const node = $(id);
  if (!(node instanceof HTMLFormElement)) throw new Error(`#${id} is not a form`);
  return node;
}

/**
 * Builds an element: `text` becomes its textContent (never HTML), `className` its class, `on…`
 * a listener, anything else an attribute (`true` an empty one; `false`, `null` and `undefined`
 * none).
 */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Record<string, PropValue> | null,
  children?: readonly Child[],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') {
      if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    } else if (key === 'text') node.textContent = String(value);
    else if (key === 'className') node.className = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children ?? []) {
    if (child === null || child === undefined) continue;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** A failed API call: the HTTP status (0 when the server was unreachable) and the error body. */
class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody;

  constructor(status: number, body: ErrorBody | null) {
    super(body?.message || 'The server answered HTTP ' + status);
    this.status = status;
    this.body = body ?? {};
  }
}

/** One same-origin call; resolves to the parsed JSON body (`null` for 204). */
async function api<T = null>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(base + path, init);
  } catch {
    throw new ApiError(0, { message: 'The server could not be reached' });
  }
  if (response.status === 204) return null as T;
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data as ErrorBody | null);
  return data as T;
}

function query(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? '?' + text : '';
}

function showAlert(text: string, ok: boolean): void {
  $('alert-text').textContent = text;
  $('alert').className = ok ? 'alert ok' : 'alert';
  $('alert').hidden = false;
}

function clearAlert(): void {
  $('alert').hidden = true;
}

function showError(error: unknown, form?: HTMLFormElement | null): void {
  const body = error instanceof ApiError ? error.body : {};
  let text =
    body.message || (error instanceof Error ? error.message : undefined) || 'The request failed';
  if (body.field) text += ' (field: ' + body.field + ')';
  showAlert(text, false);
  if (form && body.field) {
    const input = form.querySelector<HTMLElement>('[name="' + CSS.escape(body.field) + '"]');
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }
}

// Wraps a handler: clears old errors, disables the form's buttons meanwhile, shows API errors.
function action(form: HTMLFormElement | null, task: (event?: Event) => Promise<unknown>) {
  return async function (event?: Event): Promise<void> {
    if (event) event.preventDefault();
    clearAlert();
    const buttons = form ? Array.from(form.querySelectorAll('button')) : [];
    if (form) {
      form.querySelectorAll('[aria-invalid]').forEach((n) => n.removeAttribute('aria-invalid'));
    }
    buttons.forEach((button) => (button.disabled = true));
    try {
      await task(event);
    } catch (error) {
      showError(error, form);
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  };
}

function when(iso: string | null | undefined): string {
  return iso
    ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    : '\u2014';
}

function badge(text: string, kind?: string): HTMLSpanElement {
  return h('span', { className: 'badge ' + (kind || ''), text });
}

function chips(scope: string | null | undefined, emptyText: string): HTMLSpanElement[] {
  const tokens = (scope || '').split(' ').filter(Boolean);
  if (tokens.length === 0) return [h('span', { className: 'muted', text: emptyText })];
  return tokens.map((token) => h('span', { className: 'chip', text: token }));
}

function shortId(id: string, short?: boolean): HTMLSpanElement {
  return h('span', { className: 'mono ellipsis' + (short ? ' short' : ''), title: id, text: id });
}

function known(name: string | undefined, id: string): HTMLSpanElement {
  return name ? h('span', { className: 'nowrap', title: id, text: name }) : shortId(id, true);
}

function emptyRow(colspan: number, text: string): HTMLTableRowElement {
  return h('tr', null, [h('td', { colspan, className: 'empty', text })]);
}

function pager(container: HTMLElement, page: PageView<unknown>, go: (page: number) => void): void {
  container.replaceChildren();
  const pages = Math.max(1, Math.ceil(page.total / page.per_page));
  const position = pages > 1 ? ' \u00b7 page ' + page.page + ' of ' + pages : '';
  container.appendChild(h('span', { text: page.total + ' total' + position }));
  if (pages > 1) {
    container.appendChild(
      h('button', {
        type: 'button',
        className: 'btn small',
        text: 'Previous',
        disabled: page.page <= 1,
        onclick: () => go(page.page - 1),
      }),
    );
    container.appendChild(
      h('button', {
        type: 'button',
        className: 'btn small',
        text: 'Next',
        disabled: page.page >= pages,
        onclick: () => go(page.page + 1),
      }),
    );
  }
}

/** A click handler that clears the alert, runs the task and shows its error, if any. */
function guarded(task: () => unknown): () => Promise<void> {
  return () => {
    clearAlert();
    return Promise.resolve()
      .then(task)
      .then(
        () => undefined,
        (error: unknown) => showError(error),
      );
  };
}

function selected(kind: Detail['kind'], id: string): boolean {
  return state.detail !== null && state.detail.kind === kind && state.detail.id === id;
}

// ---- Users ----

/** @returns false when the host manages its own users (the Users tab is then replaced). */
async function loadUsers(): Promise<boolean> {
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

// ---- Clients ----

async function loadClients(): Promise<void> {
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
function showSecret(client: ClientView, title: string): void {
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

// ---- Detail: one user or client, its settings and its tokens ----

function field(label: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', null, [
    label,
    input,
    hint ? h('span', { className: 'hint', text: hint }) : null,
  ]);
}

/** The detail's facts: label, value and whether the value is an id (monospace). */
function meta(pairs: readonly [string, string, boolean?][]): void {
  const container = $('detail-meta');
  container.replaceChildren();
  for (const [label, value, mono] of pairs) {
    container.appendChild(
      h('span', null, [label + ' ', h('b', { className: mono ? 'mono' : '', text: value })]),
    );
  }
}

function showDetail(): void {
  $('detail').hidden = false;
  state.tokensPage = 1;
  $('detail').scrollIntoView({ block: 'start', behavior: 'smooth' });
}

function closeDetail(): void {
  state.detail = null;
  $('detail').hidden = true;
  document.querySelectorAll('tr.selected').forEach((row) => (row.className = ''));
}
$('detail-close').addEventListener('click', closeDetail);

async function openUser(id: string): Promise<void> {
  const user = await api<UserView>('GET', '/users/' + encodeURIComponent(id));
  state.detail = { kind: 'user', id: user.id, record: user };
  renderUser(user);
  showDetail();
  await Promise.all([loadTokens(), loadUsers()]);
}

function renderUser(user: UserView): void {
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
    if (!confirm('Delete user "' + user.username + '"? Their tokens are revoked.')) return;
    await api('DELETE', '/users/' + encodeURIComponent(user.id));
    closeDetail();
    showAlert('User "' + user.username + '" deleted and their tokens revoked.', true);
    await loadUsers();
  });
  $('detail-actions').replaceChildren(
    h('button', { type: 'button', className: 'btn danger', text: 'Delete user', onclick: remove }),
  );
  $('tokens-party').textContent = 'Client';
}

async function openClient(clientId: string): Promise<void> {
  const client = await api<ClientView>('GET', '/clients/' + encodeURIComponent(clientId));
  state.detail = { kind: 'client', id: client.client_id, record: client };
  renderClient(client);
  showDetail();
  await Promise.all([loadTokens(), loadClients()]);
}

function renderClient(client: ClientView): void {
  $('detail-title').textContent = 'Client ' + client.client_name;
  meta([
    ['client_id', client.client_id, true],
    ['type', client.client_type],
    ['created', when(client.created_at)],
  ]);
  const form = $form('detail-form');
  const name = h('input', { type: 'text', name: 'client_name', value: client.client_name });
  const scope = h('input', { type: 'text', name: 'scope', value: client.scope });
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

function tokenStatus(token: TokenView): HTMLSpanElement {
  const now = Date.now();
  if (token.revoked) return badge('Revoked', 'off');
  if (Date.parse(token.expires_at) > now) return badge('Active', 'ok');
  if (token.refresh_expires_at && Date.parse(token.refresh_expires_at) > now) {
    return badge('Refreshable', 'info');
  }
  return badge('Expired');
}

function tokenFilter(detail: Detail): Record<string, string> {
  return detail.kind === 'user' ? { user_id: detail.id } : { client_id: detail.id };
}

async function loadTokens(): Promise<void> {
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

// ---- Tabs and start-up ----

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
