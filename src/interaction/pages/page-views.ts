/**
 * What each interaction page shows. Templates get plain values, never markup: a template must
 * escape every value it prints (`escapeHtml`, docs/security.md 28). Forms post to `action` with
 * the hidden fields of `hidden` (the CSRF token among them) and nothing else.
 * @publicApi
 */
export interface PageForm {
  /** Where the form posts (a path on this server). */
  action: string;
  /** Hidden fields to send unchanged, the CSRF token among them. */
  hidden: Readonly<Record<string, string>>;
}

/** @publicApi */
export interface SignInPageView {
  form: PageForm;
  /** The application asking, so the person knows why they sign in. */
  clientName: string;
  /** The username typed before a failed attempt, to fill in again. */
  username: string;
  /** What went wrong with the last attempt, in plain words; `undefined` on the first visit. */
  error?: string;
}

/** One scope on the consent page. */
export interface ConsentScopeView {
  scope: string;
  /** From the `interaction.scopeDescriptions` option; `undefined` when none is configured. */
  description?: string;
}

/** @publicApi */
export interface ConsentPageView {
  form: PageForm;
  clientName: string;
  /** The signed-in user's name, so a shared computer's wrong account is noticed. */
  username: string;
  /** Every scope the app would get; empty when it asks for none. */
  scopes: readonly ConsentScopeView[];
  /** Scopes granted before that this request asks for again. */
  previouslyGranted: readonly string[];
  /** Where the app's answer goes (the redirect URI's origin, or its scheme for native apps). */
  destination: string;
  /** A sign-out form, to switch accounts; `undefined` with the host app's login. */
  signOut?: PageForm;
}

/** @publicApi */
export interface ErrorPageView {
  /** A short heading: what happened. */
  title: string;
  /** What the person can do now. */
  message: string;
}

/** @publicApi */
export interface SignedOutPageView {
  /** `true` on the confirmation after signing out; `false` on the page with the button. */
  signedOut: boolean;
  /** The sign-out form (shown while signed in). */
  form: PageForm;
}

/** The device verification page where a person types a device's user code (RFC 8628 §3.3). @publicApi */
export interface DeviceCodePageView {
  form: PageForm;
  /** The code to fill in: from `?user_code=` (`verification_uri_complete`) or the last attempt. */
  userCode: string;
  /** What was wrong with the last attempt, in plain words; `undefined` on the first visit. */
  error?: string;
}

/** The confirmation of a device authorization (RFC 8628 §3.3): Allow or Deny. @publicApi */
export interface DeviceConfirmPageView {
  /** Posts `decision=allow` or `decision=deny`. */
  form: PageForm;
  clientName: string;
  /** The signed-in user's name, so a shared computer's wrong account is noticed. */
  username: string;
  /** Every scope the device would get; empty when it asks for none. */
  scopes: readonly ConsentScopeView[];
  /** The user code as the device shows it (`WDJB-MJHT`), to compare with the screen. */
  userCode: string;
  /** When the device asked, in words: `just now`, `2 minutes ago`. */
  requestedAgo: string;
  /** A sign-out form, to switch accounts; `undefined` with the host app's login. */
  signOut?: PageForm;
}

/** After the person answered a device authorization. @publicApi */
export interface DeviceDonePageView {
  outcome: 'approved' | 'denied';
  clientName: string;
}

/**
 * The pages of the interaction layer. Each returns a full HTML document. Replace any of them
 * through `interaction.templates`; the rest stay built in. Pages are served with a strict
 * Content-Security-Policy: no script, styles from this origin's files or the built-in sheet
 * (docs/security.md 28).
 * @publicApi
 */
export interface SentinelPageTemplates {
  signIn(view: SignInPageView): string;
  consent(view: ConsentPageView): string;
  error(view: ErrorPageView): string;
  signOut(view: SignedOutPageView): string;
  deviceCode(view: DeviceCodePageView): string;
  deviceConfirm(view: DeviceConfirmPageView): string;
  deviceDone(view: DeviceDonePageView): string;
}
