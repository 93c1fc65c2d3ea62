import { escapeHtml } from './escape-html.js';
import { deviceCodePage, deviceConfirmPage, deviceDonePage } from './device-pages.js';
import { document, hiddenFields, switchAccount } from './page-layout.js';
import type {
  ConsentPageView,
  ErrorPageView,
  SentinelPageTemplates,
  SignInPageView,
  SignedOutPageView,
} from './page-views.js';

/**
 * The built-in pages: server-rendered HTML that works without JavaScript, with labels for every
 * field, the first field focused, and errors announced (`role="alert"`). Every value printed
 * is escaped (docs/security.md 28).
 */
export const BUILT_IN_PAGES: SentinelPageTemplates = {
  signIn: signInPage,
  consent: consentPage,
  error: errorPage,
  signOut: signOutPage,
  deviceCode: deviceCodePage,
  deviceConfirm: deviceConfirmPage,
  deviceDone: deviceDonePage,
};

function signInPage(view: SignInPageView): string {
  const error =
    view.error === undefined
      ? ''
      : `<p class="error" role="alert" id="sign-in-error">${escapeHtml(view.error)}</p>`;
  const describedBy = view.error === undefined ? '' : ' aria-describedby="sign-in-error"';
  return document(
    'Sign in',
    `<h1>Sign in</h1>
<p class="lead">to continue to <span class="app">${escapeHtml(view.clientName)}</span></p>
${error}
<form method="post" action="${escapeHtml(view.form.action)}">
${hiddenFields(view.form)}
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(view.username)}"${describedBy}${view.username === '' ? ' autofocus' : ''}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${describedBy}${view.username === '' ? '' : ' autofocus'}>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`,
  );
}

function consentPage(view: ConsentPageView): string {
  const previously = new Set(view.previouslyGranted);
  const scopes =
    view.scopes.length === 0
      ? '<p>It does not ask for access to anything beyond knowing who you are.</p>'
      : `<p>It would be able to:</p>
<ul class="scopes">
${view.scopes
  .map(({ scope, description }) => {
    const isNew =
      previously.size > 0 && !previously.has(scope) ? '<span class="new">new</span>' : '';
    const text =
      description === undefined
        ? `<span class="scope">${escapeHtml(scope)}</span>`
        : `<span class="scope-text">${escapeHtml(description)}</span><span class="scope">${escapeHtml(scope)}</span>`;
    return `<li>${text}${isNew}</li>`;
  })
  .join('\n')}
</ul>`;
  return document(
    'Allow access?',
    `<h1><span class="app">${escapeHtml(view.clientName)}</span> wants to access your account</h1>
<p class="lead">Signed in as <strong>${escapeHtml(view.username)}</strong></p>
${scopes}
<form method="post" action="${escapeHtml(view.form.action)}">
${hiddenFields(view.form)}
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="allow" class="primary" autofocus>Allow</button>
</div>
</form>
<p class="fine">Your answer is sent to ${escapeHtml(view.destination)}. You can withdraw access later.</p>
${view.signOut === undefined ? '' : switchAccount(view.username, view.signOut)}`,
  );
}

function errorPage(view: ErrorPageView): string {
  return document(
    view.title,
    `<h1>${escapeHtml(view.title)}</h1>
<p role="alert">${escapeHtml(view.message)}</p>`,
  );
}

function signOutPage(view: SignedOutPageView): string {
  if (view.signedOut) {
    return document(
      'Signed out',
      `<h1>You are signed out</h1>
<p>You can close this window, or go back to the app to sign in again.</p>`,
    );
  }
  return document(
    'Sign out',
    `<h1>Sign out?</h1>
<p>Apps that use this sign-in will ask you to sign in again.</p>
<form method="post" action="${escapeHtml(view.form.action)}">
${hiddenFields(view.form)}
<div class="actions"><button type="submit" class="primary" autofocus>Sign out</button></div>
</form>`,
  );
}
