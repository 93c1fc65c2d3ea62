import { ClientCredentialsGrant } from './client-credentials.grant.js';
import type { GrantRegistration } from './grant.js';
import { PasswordGrant } from './password.grant.js';
import { RefreshTokenGrant } from './refresh-token.grant.js';

/** The grants every server has, in the order the metadata lists them (RFC 6749 §4.3, §4.4, §6). */
export const BUILT_IN_GRANTS: readonly Readonly<GrantRegistration>[] = [
  { grantType: 'password', useClass: PasswordGrant },
  { grantType: 'refresh_token', useClass: RefreshTokenGrant },
  {
    grantType: 'client_credentials',
    useClass: ClientCredentialsGrant,
    // RFC 6749 §4.4: the client must be able to authenticate (docs/security.md 7).
    confidentialClientsOnly: true,
  },
];
