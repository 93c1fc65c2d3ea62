import { escapeHtml } from './escape-html.js';
import { document, hiddenFields, switchAccount } from './page-layout.js';
import type {
  ConsentScopeView,
  DeviceCodePageView,
  DeviceConfirmPageView,
  DeviceDonePageView,
} from './page-views.js';

/**
 * The device verification pages (RFC 8628 §3.3), in the layout of the sign-in and consent
 * pages: type the code, confirm, done. Every value printed is escaped (docs/security.md 28).
 */
export function deviceCodePage(view: DeviceCodePageView): string {
  const error =
    view.error === undefined
      ? ''
      : `<p class="error" role="alert" id="user-code-error">${escapeHtml(view.error)}</p>`;
  const describedBy =
    view.error === undefined ? 'user-code-hint' : 'user-code-error user-code-hint';
  return document(
    'Connect a device',
    `<h1>Connect a device</h1>
<p class="lead">Enter the code shown on your TV, console or other device.</p>
${error}
<form method="post" action="${escapeHtml(view.form.action)}">
${hiddenFields(view.form)}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" class="code-input" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" required autofocus aria-describedby="${describedBy}" value="${escapeHtml(view.userCode)}">
<p class="hint" id="user-code-hint">8 letters, shown as XXXX-XXXX</p>
<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>`,
  );
}

export function deviceConfirmPage(view: DeviceConfirmPageView): string {
  return document(
    'Allow this device?',
    `<h1><span class="app">${escapeHtml(view.clientName)}</span> on your device wants to access your account</h1>
<p class="lead">Signed in as <strong>${escapeHtml(view.username)}</strong></p>
<p class="device-code">Requested ${escapeHtml(view.requestedAgo)} with the code <span class="code">${escapeHtml(view.userCode)}</span></p>
<p>Only allow this if the same code is on your device’s screen.</p>
${scopeList(view.scopes)}
<form method="post" action="${escapeHtml(view.form.action)}">
${hiddenFields(view.form)}
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="allow" class="primary" autofocus>Allow</button>
</div>
</form>
<p class="fine">If you did not start this on a device of your own, press Deny. You can withdraw access later.</p>
${view.signOut === undefined ? '' : switchAccount(view.username, view.signOut)}`,
  );
}

export function deviceDonePage(view: DeviceDonePageView): string {
  const app = `<span class="app">${escapeHtml(view.clientName)}</span>`;
  if (view.outcome === 'approved') {
    return document(
      'Device connected',
      `<h1>Done — go back to your device</h1>
<p>${app} can now use your account. Your device will continue by itself in a few seconds.</p>
<p class="fine">You can close this window.</p>`,
    );
  }
  return document(
    'Access denied',
    `<h1>You denied access</h1>
<p>You denied ${app} access to your account. Your device will show that it was refused.</p>
<p class="fine">You can close this window.</p>`,
  );
}

function scopeList(scopes: readonly ConsentScopeView[]): string {
  if (scopes.length === 0) {
    return '<p>It does not ask for access to anything beyond knowing who you are.</p>';
  }
  const items = scopes.map(({ scope, description }) =>
    description === undefined
      ? `<li><span class="scope">${escapeHtml(scope)}</span></li>`
      : `<li><span class="scope-text">${escapeHtml(description)}</span><span class="scope">${escapeHtml(scope)}</span></li>`,
  );
  return `<p>It would be able to:</p>\n<ul class="scopes">\n${items.join('\n')}\n</ul>`;
}
