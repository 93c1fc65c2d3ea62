/**
 * The demo client's browser script, served as `/demo/demo.js` (the pages' CSP allows scripts
 * from this origin only). Plain ES2020 for any current browser; it reads its settings from the
 * page's `data-*` attributes and never writes a token, code or verifier anywhere but memory
 * and (for the verifier, until the callback) `sessionStorage`.
 *
 * - Start page: discovers the endpoints and the issuer (RFC 8414), makes a PKCE verifier and
 *   its S256 challenge with WebCrypto (RFC 7636 §4.1–4.2) and a random `state` (RFC 6749
 *   §10.12), keeps them in `sessionStorage` and goes to the authorization endpoint.
 * - Callback: takes the code out of the address bar, checks `state` and `iss` (RFC 9207 §2.4),
 *   redeems the code (RFC 6749 §4.1.3) and calls the protected route with the access token.
 */
export const DEMO_SCRIPT = String.raw`'use strict';
(function () {
  var KEY = 'sentinel-demo-request';
  var data = document.body.dataset;

  function base64url(bytes) {
    var text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function randomString(byteCount) {
    return base64url(crypto.getRandomValues(new Uint8Array(byteCount)));
  }

  async function s256(verifier) {
    var digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
    return base64url(new Uint8Array(digest));
  }

  async function discover() {
    var response = await fetch(data.metadata, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error('The server metadata could not be read (' + response.status + ').');
    return response.json();
  }

  async function signIn(button, errorBox) {
    button.disabled = true;
    errorBox.hidden = true;
    try {
      var server = await discover();
      var verifier = randomString(32);
      var state = randomString(16);
      var redirectUri = location.origin + data.callback;
      sessionStorage.setItem(KEY, JSON.stringify({
        state: state,
        verifier: verifier,
        redirectUri: redirectUri,
        issuer: server.issuer,
        tokenEndpoint: server.token_endpoint,
      }));
      var query = new URLSearchParams({
        response_type: 'code',
        client_id: data.clientId,
        redirect_uri: redirectUri,
        scope: data.scope,
        state: state,
        code_challenge: await s256(verifier),
        code_challenge_method: 'S256',
      });
      location.assign(server.authorization_endpoint + '?' + query.toString());
    } catch (error) {
      errorBox.textContent = error.message;
      errorBox.hidden = false;
      button.disabled = false;
    }
  }

  function show(id) {
    ['working', 'done', 'failed'].forEach(function (section) {
      document.getElementById(section).hidden = section !== id;
    });
    document.body.dataset.result = id;
  }

  function fail(title, message, detail) {
    document.getElementById('failed-title').textContent = title;
    document.getElementById('failed-message').textContent = message;
    document.getElementById('failed-detail').textContent = detail || '';
    show('failed');
  }

  function answerError(answer) {
    var error = answer.get('error');
    var detail = 'The server answered error=' + error +
      (answer.get('error_description') ? ': ' + answer.get('error_description') : '') + '.';
    if (error === 'access_denied') {
      fail('Access denied', 'You chose Deny, so Demo web app got no access to your account.', detail);
    } else {
      fail('Sign-in failed', 'The authorization server did not give Demo web app access.', detail);
    }
  }

  async function redeem(saved, code) {
    var response = await fetch(saved.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code,
        redirect_uri: saved.redirectUri,
        client_id: data.clientId,
        code_verifier: saved.verifier,
      }),
    });
    var body = await response.json();
    if (!response.ok) {
      throw new Error('The token endpoint answered ' + response.status + ' ' + body.error +
        (body.error_description ? ': ' + body.error_description : '') + '.');
    }
    return body;
  }

  async function callback() {
    var answer = new URLSearchParams(location.search);
    var saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    sessionStorage.removeItem(KEY);
    // The code is single-use and short-lived; keep it out of the history and of bookmarks.
    history.replaceState(null, '', location.pathname);
    if (saved === null || answer.get('state') !== saved.state) {
      return fail('Sign-in not finished',
        'This answer does not belong to a sign-in started in this tab, so it was ignored.',
        'The state parameter did not match (RFC 6749 §10.12). Start again.');
    }
    if (answer.get('iss') !== saved.issuer) {
      return fail('Sign-in not finished',
        'This answer came from another authorization server than the one asked, so it was ignored.',
        'The iss parameter did not match the issuer (RFC 9207). Start again.');
    }
    if (answer.has('error')) return answerError(answer);
    try {
      var token = await redeem(saved, answer.get('code') || '');
      var resource = await fetch(data.resource, {
        headers: { Authorization: 'Bearer ' + token.access_token },
      });
      var text = await resource.text();
      var shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (notJson) { /* as text */ }
      document.getElementById('expires-in').textContent = token.expires_in + ' seconds';
      document.getElementById('scope').textContent = token.scope || '(none)';
      document.getElementById('refresh').textContent =
        token.refresh_token ? 'received (not shown)' : 'none';
      document.getElementById('resource-status').textContent =
        resource.status + (resource.ok ? ' OK' : '');
      document.getElementById('resource').textContent = shown;
      show('done');
    } catch (error) {
      fail('Sign-in failed', 'Demo web app could not get a token with the code.', error.message);
    }
  }

  if (data.page === 'start') {
    var button = document.getElementById('sign-in');
    var errorBox = document.getElementById('start-error');
    button.addEventListener('click', function () { signIn(button, errorBox); });
  } else {
    callback();
  }
})();
`;
