/**
 * Who is signed in, as the host app's own login reports it.
 * @publicApi
 */
export interface HostLoginState {
  /** The user's id in the module's `UserStore` (built-in users or the host's own store). */
  userId: string;
  /**
   * When the user last signed in. `prompt=login` (and every request made before that moment)
   * needs a sign-in after the authorization request arrived (docs/security.md 31).
   */
  signedInAt: Date;
}

/**
 * Port: the host app's own login (sessions, Passport …) instead of the module's built-in
 * sign-in page. The authorization endpoint asks it who is signed in, and sends the browser to
 * the host's page when nobody is, or when the sign-in must be fresh (`prompt=login`).
 *
 * Provide it through `interaction.login` (a provider class Nest instantiates, or an instance).
 * @publicApi
 */
export interface HostLogin {
  /**
   * The user signed in on this request (an Express or Fastify request, as the host's platform
   * gives it), or `null`. A user the `UserStore` does not know, or a disabled one, is treated
   * as nobody.
   */
  currentUser(request: unknown): Promise<HostLoginState | null> | HostLoginState | null;
  /**
   * Where the browser signs in. After signing in, the host's page must send the browser to
   * `returnTo`: a path on this server (it starts with `/`, never another origin). Validate it
   * as such before redirecting, as for any return address.
   */
  signInUrl(returnTo: string, request: unknown): string;
}
/**
 * DI token of the {@link HostLogin} port.
 * @publicApi
 */
export const HostLogin = Symbol('SENTINEL:HostLogin');
