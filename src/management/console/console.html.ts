/** The grant types a client may list (the grant registry) and those ticked for a new client. */
export interface ConsoleGrantChoices {
  grantTypes: readonly string[];
  checkedByDefault: readonly string[];
}

/**
 * One checkbox per registered grant type. The script reads this list for the edit form too, so
 * the page's script has no grant list of its own and its CSP hash does not depend on the host's
 * grants. Grant types of host grants are escaped like any text.
 */
function grantCheckboxes({ grantTypes, checkedByDefault }: ConsoleGrantChoices): string {
  return grantTypes
    .map((grant) => {
      const name = escapeHtml(grant);
      const checked = checkedByDefault.includes(grant) ? ' checked' : '';
      return `<label class="check grant"><input type="checkbox" name="grant_types" value="${name}"${checked}>${name}</label>`;
    })
    .join('\n            ');
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
  );
}

/**
 * The console's markup. Style and script are inlined (and allowed by their CSP hashes) so the
 * page is one response that works under any prefix: the script derives every API URL from the
 * page's own location, never from a path baked in here.
 */
export function consoleHtml(styles: string, script: string, grants: ConsoleGrantChoices): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sentinel management</title>
<link rel="icon" href="data:,">
<style>${styles}</style>
</head>
<body>
<header class="topbar">
  <div class="brand"><span class="logo" aria-hidden="true">&#9670;</span> Sentinel <span class="sub">management</span></div>
  <div class="where" id="where"></div>
</header>
<main>
  <div id="alert" class="alert" role="alert" hidden>
    <div class="msg" id="alert-text"></div>
    <button type="button" class="close" id="alert-close" aria-label="Dismiss">&times;</button>
  </div>

  <section id="secret" class="secret" hidden aria-live="polite">
    <h2 id="secret-title">Client secret</h2>
    <p>Copy the secret now: it is stored only as a digest and will not be shown again.</p>
    <div class="pair">
      <span class="muted">client_id</span>
      <input type="text" id="secret-client-id" readonly>
      <button type="button" class="btn small" data-copy="secret-client-id">Copy</button>
    </div>
    <div class="pair">
      <span class="muted">client_secret</span>
      <input type="text" id="secret-value" readonly>
      <button type="button" class="btn small" data-copy="secret-value" id="secret-copy">Copy</button>
    </div>
    <div class="row"><span class="spacer"></span><button type="button" class="btn" id="secret-done">I have stored it</button></div>
  </section>

  <nav class="tabs" role="tablist">
    <button type="button" class="tab" role="tab" id="tab-users" data-tab="users" aria-selected="true">Users<span class="count" id="users-count">0</span></button>
    <button type="button" class="tab" role="tab" id="tab-clients" data-tab="clients" aria-selected="false">Clients<span class="count" id="clients-count">0</span></button>
  </nav>

  <section id="users-view" role="tabpanel">
    <div id="users-unmanaged" class="note" hidden>Users are managed by the host application (custom user store). Clients and tokens are managed here.</div>
    <div class="layout" id="users-layout">
      <div class="card">
        <div class="card-head"><h2>Users</h2></div>
        <form class="filter" id="users-filter">
          <input type="search" name="username" placeholder="Find by exact username" aria-label="Username">
          <button type="submit" class="btn">Search</button>
        </form>
        <div class="table-wrap"><table>
          <thead><tr><th>Username</th><th>Scope</th><th>Status</th><th>Created</th><th></th></tr></thead>
          <tbody id="users-rows"></tbody>
        </table></div>
        <div class="pager" id="users-pager"></div>
      </div>
      <aside class="card">
        <h2>New user</h2>
        <form class="stack" id="user-create" autocomplete="off">
          <label>Username<input type="text" name="username" required></label>
          <label>Password<input type="password" name="password" required autocomplete="new-password"><span class="hint">At most 72 bytes; stored as a bcrypt hash.</span></label>
          <label>Scope<input type="text" name="scope" placeholder="e.g. read write"><span class="hint">Empty: no restriction.</span></label>
          <button type="submit" class="btn primary">Create user</button>
        </form>
      </aside>
    </div>
  </section>

  <section id="clients-view" role="tabpanel" hidden>
    <div class="layout">
      <div class="card">
        <div class="card-head"><h2>Clients</h2></div>
        <div class="table-wrap"><table>
          <thead><tr><th>Name</th><th>client_id</th><th>Type</th><th>Grant types</th><th>Scope</th><th></th></tr></thead>
          <tbody id="clients-rows"></tbody>
        </table></div>
        <div class="pager" id="clients-pager"></div>
      </div>
      <aside class="card">
        <h2>New client</h2>
        <form class="stack" id="client-create" autocomplete="off">
          <label>Name<input type="text" name="client_name" required></label>
          <label>Type<select name="client_type"><option value="confidential">confidential (has a secret)</option><option value="public">public (no secret)</option></select></label>
          <fieldset>
            <legend>Grant types</legend>
            ${grantCheckboxes(grants)}
          </fieldset>
          <label>Scope<input type="text" name="scope" placeholder="e.g. read write"><span class="hint">Scopes the client may request.</span></label>
          <label>Redirect URIs<input type="text" name="redirect_uris" placeholder="e.g. https://app.example.com/cb"><span class="hint">Space-separated; where a browser sign-in may return.</span></label>
          <label class="check"><input type="checkbox" name="first_party">First-party (skip consent)</label>
          <button type="submit" class="btn primary">Create client</button>
        </form>
      </aside>
    </div>
  </section>

  <section id="detail" class="card" hidden aria-live="polite">
    <div class="card-head">
      <h2 id="detail-title"></h2>
      <button type="button" class="btn small" id="detail-close">Close</button>
    </div>
    <div class="detail-meta" id="detail-meta"></div>
    <div class="detail-grid">
      <div>
        <h3>Settings</h3>
        <form class="stack" id="detail-form" autocomplete="off"></form>
        <div class="row danger-zone" id="detail-actions"></div>
      </div>
      <div>
        <div class="card-head"><h3>Tokens</h3><button type="button" class="btn small danger" id="tokens-revoke-all">Revoke all</button></div>
        <div class="table-wrap"><table>
          <thead><tr><th>Token id</th><th id="tokens-party">Client</th><th>Scope</th><th>Issued</th><th>Expires</th><th>Status</th><th></th></tr></thead>
          <tbody id="tokens-rows"></tbody>
        </table></div>
        <div class="pager" id="tokens-pager"></div>
        <div class="detail-section" id="consents-section" hidden>
          <h3>Consents</h3>
          <p class="hint">What the user agreed to share with each client. Withdrawing revokes that client&rsquo;s tokens; the user is asked again at the next sign-in.</p>
          <div class="table-wrap"><table>
            <thead><tr><th>Client</th><th>Scope</th><th>Granted</th><th>Updated</th><th></th></tr></thead>
            <tbody id="consents-rows"></tbody>
          </table></div>
          <div class="pager" id="consents-pager"></div>
        </div>
      </div>
    </div>
  </section>
</main>
<script>${script}</script>
</body>
</html>
`;
}
