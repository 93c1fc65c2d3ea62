/**
 * The console's script, inlined into the page and allowed by its CSP hash. Plain browser
 * JavaScript (kept as a string so the package ships no extra files): every API URL is the page's
 * own path plus `/users`, `/clients` or `/tokens`, so it works under any prefix or proxy path.
 * State-changing calls are same-origin `fetch` with `Content-Type: application/json` (ADR 0005).
 * API data is only ever written with `textContent`, never parsed as HTML.
 */
export const CONSOLE_SCRIPT = String.raw`
(function () {
  'use strict';
  var base = location.pathname.replace(/\/+$/, '');
  var PER_PAGE = 20;
  var state = { usersPage: 1, clientsPage: 1, tokensPage: 1, usernameFilter: '', detail: null, usernames: {}, clientNames: {} };

  function $(id) { return document.getElementById(id); }

  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null || value === false) return;
      if (key === 'text') node.textContent = value;
      else if (key === 'className') node.className = value;
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function ApiError(status, body) {
    this.status = status;
    this.body = body || {};
    this.message = (body && body.message) || 'The server answered HTTP ' + status;
  }

  async function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    var init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(base + path, init);
    } catch (error) {
      throw new ApiError(0, { message: 'The server could not be reached' });
    }
    if (response.status === 204) return null;
    var data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function query(params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      if (params[key] !== undefined && params[key] !== '') search.set(key, String(params[key]));
    });
    var text = search.toString();
    return text ? '?' + text : '';
  }

  function showAlert(text, ok) {
    $('alert-text').textContent = text;
    $('alert').className = ok ? 'alert ok' : 'alert';
    $('alert').hidden = false;
  }

  function clearAlert() { $('alert').hidden = true; }

  function showError(error, form) {
    var body = (error && error.body) || {};
    var text = body.message || (error && error.message) || 'The request failed';
    if (body.field) text += ' (field: ' + body.field + ')';
    showAlert(text, false);
    if (form && body.field) {
      var input = form.querySelector('[name="' + CSS.escape(body.field) + '"]');
      if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
    }
  }

  // Wraps a handler: clears old errors, disables the form's buttons meanwhile, shows API errors.
  function action(form, task) {
    return async function (event) {
      if (event) event.preventDefault();
      clearAlert();
      var buttons = form ? Array.from(form.querySelectorAll('button')) : [];
      if (form) form.querySelectorAll('[aria-invalid]').forEach(function (n) { n.removeAttribute('aria-invalid'); });
      buttons.forEach(function (button) { button.disabled = true; });
      try { await task(event); } catch (error) { showError(error, form); }
      finally { buttons.forEach(function (button) { button.disabled = false; }); }
    };
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '\u2014';
  }
  function badge(text, kind) { return h('span', { className: 'badge ' + (kind || ''), text: text }); }
  function chips(scope, emptyText) {
    var tokens = (scope || '').split(' ').filter(Boolean);
    if (tokens.length === 0) return [h('span', { className: 'muted', text: emptyText })];
    return tokens.map(function (token) { return h('span', { className: 'chip', text: token }); });
  }
  function shortId(id, short) { return h('span', { className: 'mono ellipsis' + (short ? ' short' : ''), title: id, text: id }); }
  function known(name, id) { return name ? h('span', { className: 'nowrap', title: id, text: name }) : shortId(id, true); }
  function emptyRow(colspan, text) { return h('tr', null, [h('td', { colspan: colspan, className: 'empty', text: text })]); }

  function pager(container, page, go) {
    container.replaceChildren();
    var pages = Math.max(1, Math.ceil(page.total / page.per_page));
    container.appendChild(h('span', { text: page.total + ' total' + (pages > 1 ? ' \u00b7 page ' + page.page + ' of ' + pages : '') }));
    if (pages > 1) {
      container.appendChild(h('button', { type: 'button', className: 'btn small', text: 'Previous', disabled: page.page <= 1, onclick: function () { go(page.page - 1); } }));
      container.appendChild(h('button', { type: 'button', className: 'btn small', text: 'Next', disabled: page.page >= pages, onclick: function () { go(page.page + 1); } }));
    }
  }

  function guarded(task) {
    return function () { clearAlert(); return Promise.resolve().then(task).catch(function (error) { showError(error); }); };
  }

  function selected(kind, id) { return state.detail && state.detail.kind === kind && state.detail.id === id; }

  // ---- Users ----
  async function loadUsers() {
    var page;
    try {
      page = await api('GET', '/users' + query({ page: state.usersPage, per_page: PER_PAGE, username: state.usernameFilter }));
    } catch (error) {
      if (error.body && error.body.error === 'users_not_managed') {
        $('users-unmanaged').hidden = false;
        $('users-layout').hidden = true;
        $('users-count').textContent = '\u2013';
        return false;
      }
      throw error;
    }
    $('users-count').textContent = String(page.total);
    var rows = $('users-rows');
    rows.replaceChildren();
    if (page.items.length === 0) {
      rows.appendChild(emptyRow(5, state.usernameFilter ? 'No user with this username.' : 'No users yet. Create one with the form.'));
    }
    page.items.forEach(function (user) {
      state.usernames[user.id] = user.username;
      rows.appendChild(h('tr', { 'data-username': user.username, className: selected('user', user.id) ? 'selected' : '' }, [
        h('td', { className: 'name' }, [h('strong', { text: user.username })]),
        h('td', null, chips(user.scope, 'any')),
        h('td', null, [user.disabled ? badge('Disabled', 'off') : badge('Active', 'ok')]),
        h('td', { className: 'muted', text: when(user.created_at) }),
        h('td', { className: 'actions' }, [h('button', { type: 'button', className: 'btn small', text: 'Manage', onclick: guarded(function () { return openUser(user.id); }) })]),
      ]));
    });
    pager($('users-pager'), page, function (number) { state.usersPage = number; guarded(loadUsers)(); });
    return true;
  }

  var userForm = $('user-create');
  userForm.addEventListener('submit', action(userForm, async function () {
    var data = new FormData(userForm);
    var user = await api('POST', '/users', { username: data.get('username'), password: data.get('password'), scope: data.get('scope') });
    userForm.reset();
    showAlert('User "' + user.username + '" created.', true);
    await loadUsers();
  }));

  var filterForm = $('users-filter');
  filterForm.addEventListener('submit', action(filterForm, async function () {
    state.usernameFilter = String(new FormData(filterForm).get('username') || '').trim();
    state.usersPage = 1;
    await loadUsers();
  }));

  // ---- Clients ----
  async function loadClients() {
    var page = await api('GET', '/clients' + query({ page: state.clientsPage, per_page: PER_PAGE }));
    $('clients-count').textContent = String(page.total);
    var rows = $('clients-rows');
    rows.replaceChildren();
    if (page.items.length === 0) rows.appendChild(emptyRow(6, 'No clients yet. Create one with the form.'));
    page.items.forEach(function (client) {
      state.clientNames[client.client_id] = client.client_name;
      rows.appendChild(h('tr', { 'data-client-name': client.client_name, className: selected('client', client.client_id) ? 'selected' : '' }, [
        h('td', { className: 'name' }, [h('strong', { text: client.client_name })]),
        h('td', null, [shortId(client.client_id)]),
        h('td', null, [badge(client.client_type, client.client_type === 'confidential' ? 'info' : '')]),
        h('td', null, chips(client.grant_types.join(' '), 'none')),
        h('td', null, chips(client.scope, 'none')),
        h('td', { className: 'actions' }, [h('button', { type: 'button', className: 'btn small', text: 'Manage', onclick: guarded(function () { return openClient(client.client_id); }) })]),
      ]));
    });
    pager($('clients-pager'), page, function (number) { state.clientsPage = number; guarded(loadClients)(); });
  }

  var clientForm = $('client-create');
  clientForm.addEventListener('submit', action(clientForm, async function () {
    var data = new FormData(clientForm);
    var client = await api('POST', '/clients', {
      client_name: data.get('client_name'),
      client_type: data.get('client_type'),
      grant_types: data.getAll('grant_types'),
      scope: data.get('scope'),
    });
    clientForm.reset();
    if (client.client_secret) showSecret(client, 'Client "' + client.client_name + '" created');
    else showAlert('Public client "' + client.client_name + '" created; client_id ' + client.client_id + '.', true);
    await loadClients();
  }));

  function showSecret(client, title) {
    $('secret-title').textContent = title;
    $('secret-client-id').value = client.client_id;
    $('secret-value').value = client.client_secret;
    $('secret').hidden = false;
    $('secret').scrollIntoView({ block: 'nearest' });
  }

  $('secret-done').addEventListener('click', function () {
    $('secret-value').value = '';
    $('secret').hidden = true;
  });

  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.addEventListener('click', function () {
      var input = $(button.getAttribute('data-copy'));
      var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
      var fallback = function () { input.select(); document.execCommand('copy'); done(); };
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, fallback);
      else fallback();
    });
  });

  // ---- Detail: one user or client, its settings and its tokens ----
  function field(label, input, hint) {
    return h('label', null, [label, input, hint ? h('span', { className: 'hint', text: hint }) : null]);
  }

  function meta(pairs) {
    var container = $('detail-meta');
    container.replaceChildren();
    pairs.forEach(function (pair) { container.appendChild(h('span', null, [pair[0] + ' ', h('b', { className: pair[2] ? 'mono' : '', text: pair[1] })])); });
  }

  function showDetail() {
    $('detail').hidden = false;
    state.tokensPage = 1;
    $('detail').scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  function closeDetail() {
    state.detail = null;
    $('detail').hidden = true;
    document.querySelectorAll('tr.selected').forEach(function (row) { row.className = ''; });
  }
  $('detail-close').addEventListener('click', closeDetail);

  async function openUser(id) {
    var user = await api('GET', '/users/' + encodeURIComponent(id));
    state.detail = { kind: 'user', id: user.id, record: user };
    renderUser(user);
    showDetail();
    await Promise.all([loadTokens(), loadUsers()]);
  }

  function renderUser(user) {
    $('detail-title').textContent = 'User ' + user.username;
    meta([['id', user.id, true], ['created', when(user.created_at)], ['updated', when(user.updated_at)]]);
    var form = $('detail-form');
    var scope = h('input', { type: 'text', name: 'scope', value: user.scope });
    var disabled = h('input', { type: 'checkbox', name: 'disabled', checked: user.disabled });
    var password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', placeholder: 'Leave empty to keep' });
    form.replaceChildren(
      field('Scope', scope, 'Empty: no restriction.'),
      field('New password', password, 'Changing it revokes the user\u2019s tokens.'),
      h('label', { className: 'check' }, [disabled, 'Disabled (revokes the user\u2019s tokens)']),
      h('div', { className: 'row' }, [h('button', { type: 'submit', className: 'btn primary', text: 'Save changes' })]),
    );
    form.onsubmit = action(form, async function () {
      var body = { scope: scope.value, disabled: disabled.checked };
      if (password.value) body.password = password.value;
      var updated = await api('PATCH', '/users/' + encodeURIComponent(user.id), body);
      var revoked = body.password !== undefined || (body.disabled && !user.disabled);
      showAlert('User "' + updated.username + '" saved.' + (revoked ? ' Their tokens were revoked.' : ''), true);
      state.detail.record = updated;
      renderUser(updated);
      await Promise.all([loadUsers(), loadTokens()]);
    });
    $('detail-actions').replaceChildren(
      h('button', { type: 'button', className: 'btn danger', text: 'Delete user', onclick: guarded(async function () {
        if (!confirm('Delete user "' + user.username + '"? Their tokens are revoked.')) return;
        await api('DELETE', '/users/' + encodeURIComponent(user.id));
        closeDetail();
        showAlert('User "' + user.username + '" deleted and their tokens revoked.', true);
        await loadUsers();
      }) }),
    );
    $('tokens-party').textContent = 'Client';
  }

  async function openClient(clientId) {
    var client = await api('GET', '/clients/' + encodeURIComponent(clientId));
    state.detail = { kind: 'client', id: client.client_id, record: client };
    renderClient(client);
    showDetail();
    await Promise.all([loadTokens(), loadClients()]);
  }

  function renderClient(client) {
    $('detail-title').textContent = 'Client ' + client.client_name;
    meta([['client_id', client.client_id, true], ['type', client.client_type], ['created', when(client.created_at)]]);
    var form = $('detail-form');
    var name = h('input', { type: 'text', name: 'client_name', value: client.client_name });
    var scope = h('input', { type: 'text', name: 'scope', value: client.scope });
    var registered = Array.prototype.map.call(document.querySelectorAll('#client-create input[name=grant_types]'), function (input) { return input.value; });
    var grants = registered.map(function (grant) {
      return h('input', { type: 'checkbox', name: 'grant_types', value: grant, checked: client.grant_types.indexOf(grant) >= 0 });
    });
    form.replaceChildren(
      field('Name', name),
      h('fieldset', null, [h('legend', { text: 'Grant types' })].concat(grants.map(function (input) { return h('label', { className: 'check grant' }, [input, input.value]); }))),
      field('Scope', scope, 'Scopes the client may request.'),
      h('div', { className: 'row' }, [h('button', { type: 'submit', className: 'btn primary', text: 'Save changes' })]),
    );
    form.onsubmit = action(form, async function () {
      var updated = await api('PATCH', '/clients/' + encodeURIComponent(client.client_id), {
        client_name: name.value,
        grant_types: grants.filter(function (input) { return input.checked; }).map(function (input) { return input.value; }),
        scope: scope.value,
      });
      showAlert('Client "' + updated.client_name + '" saved.', true);
      state.detail.record = updated;
      renderClient(updated);
      await loadClients();
    });
    var actions = [];
    if (client.client_type === 'confidential') {
      actions.push(h('button', { type: 'button', className: 'btn', text: 'Rotate secret', onclick: guarded(async function () {
        if (!confirm('Issue a new secret for "' + client.client_name + '"? The current secret stops working at once.')) return;
        var rotated = await api('POST', '/clients/' + encodeURIComponent(client.client_id) + '/secret', {});
        showSecret(rotated, 'New secret for "' + rotated.client_name + '"');
      }) }));
    }
    actions.push(h('button', { type: 'button', className: 'btn danger', text: 'Delete client', onclick: guarded(async function () {
      if (!confirm('Delete client "' + client.client_name + '"? Its tokens are revoked.')) return;
      await api('DELETE', '/clients/' + encodeURIComponent(client.client_id));
      closeDetail();
      showAlert('Client "' + client.client_name + '" deleted and its tokens revoked.', true);
      await loadClients();
    }) }));
    $('detail-actions').replaceChildren.apply($('detail-actions'), actions);
    $('tokens-party').textContent = 'User';
  }

  function tokenStatus(token) {
    var now = Date.now();
    if (token.revoked) return badge('Revoked', 'off');
    if (Date.parse(token.expires_at) > now) return badge('Active', 'ok');
    if (token.refresh_expires_at && Date.parse(token.refresh_expires_at) > now) return badge('Refreshable', 'info');
    return badge('Expired');
  }

  async function loadTokens() {
    var detail = state.detail;
    if (!detail) return;
    var filter = detail.kind === 'user' ? { user_id: detail.id } : { client_id: detail.id };
    var page = await api('GET', '/tokens' + query(Object.assign({ page: state.tokensPage, per_page: PER_PAGE }, filter)));
    if (state.detail !== detail) return;
    var rows = $('tokens-rows');
    rows.replaceChildren();
    if (page.items.length === 0) rows.appendChild(emptyRow(7, 'No tokens issued.'));
    page.items.forEach(function (token) {
      var party = detail.kind === 'user'
        ? known(state.clientNames[token.client_id], token.client_id)
        : token.user_id === null ? h('span', { className: 'muted', text: 'the client itself' }) : known(state.usernames[token.user_id], token.user_id);
      rows.appendChild(h('tr', { 'data-token-id': token.id }, [
        h('td', null, [shortId(token.id, true)]),
        h('td', null, [party]),
        h('td', null, chips(token.scope, 'none')),
        h('td', { className: 'muted', text: when(token.issued_at) }),
        h('td', { className: 'muted', text: when(token.expires_at) }),
        h('td', null, [tokenStatus(token)]),
        h('td', { className: 'actions' }, [h('button', { type: 'button', className: 'btn small danger', text: 'Revoke', disabled: token.revoked, onclick: guarded(async function () {
          await api('DELETE', '/tokens/' + encodeURIComponent(token.id));
          showAlert('Token revoked.', true);
          await loadTokens();
        }) })]),
      ]));
    });
    pager($('tokens-pager'), page, function (number) { state.tokensPage = number; guarded(loadTokens)(); });
  }

  $('tokens-revoke-all').addEventListener('click', guarded(async function () {
    var detail = state.detail;
    if (!detail) return;
    var who = detail.kind === 'user' ? 'user "' + detail.record.username + '"' : 'client "' + detail.record.client_name + '"';
    if (!confirm('Revoke every token of ' + who + '?')) return;
    var filter = detail.kind === 'user' ? { user_id: detail.id } : { client_id: detail.id };
    var result = await api('DELETE', '/tokens' + query(filter));
    showAlert(result.revoked + ' token(s) revoked.', true);
    await loadTokens();
  }));

  // ---- Tabs and start-up ----
  function selectTab(name) {
    ['users', 'clients'].forEach(function (tab) {
      $('tab-' + tab).setAttribute('aria-selected', String(tab === name));
      $(tab + '-view').hidden = tab !== name;
    });
  }
  document.querySelectorAll('[data-tab]').forEach(function (tab) {
    tab.addEventListener('click', function () { closeDetail(); selectTab(tab.getAttribute('data-tab')); });
  });
  $('alert-close').addEventListener('click', clearAlert);
  $('where').textContent = location.host + base;

  Promise.all([loadUsers(), loadClients()]).then(function (results) {
    if (results[0] === false) selectTab('clients');
    document.body.setAttribute('data-ready', 'true');
  }).catch(function (error) { showError(error); document.body.setAttribute('data-ready', 'true'); });
})();
`;
