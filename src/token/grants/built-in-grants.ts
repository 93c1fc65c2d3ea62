import { AuthorizationCodeGrant } from './authorization-code.grant.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../device/device-grant-type.js';
import { ClientCredentialsGrant } from './client-credentials.grant.js';
import { DeviceCodeGrant } from './device-code.grant.js';
import type { GrantRegistration } from './grant.js';
import { PasswordGrant } from './password.grant.js';
import { RefreshTokenGrant } from './refresh-token.grant.js';

/**
 * The grants every server has, in the order the metadata lists them (RFC 6749 §4.1, §4.3, §4.4,
 * §6; RFC 8628 §3.4). `authorization_code` is left out of the metadata when `authorizePath` is
 * `false`, the device grant when `deviceAuthorizationPath` is.
 */
export const BUILT_IN_GRANTS: readonly Readonly<GrantRegistration>[] = [
  { grantType: 'authorization_code', useClass: AuthorizationCodeGrant },
  { grantType: 'password', useClass: PasswordGrant },
  { grantType: 'refresh_token', useClass: RefreshTokenGrant },
  {
    grantType: 'client_credentials',
    useClass: ClientCredentialsGrant,
    // RFC 6749 §4.4: the client must be able to authenticate (docs/security.md 7).
    confidentialClientsOnly: true,
  },
  // Public clients too: a TV or a CLI cannot keep a secret (RFC 8628 §5.6).
  { grantType: DEVICE_CODE_GRANT_TYPE, useClass: DeviceCodeGrant },
];
