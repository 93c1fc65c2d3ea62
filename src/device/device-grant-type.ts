/**
 * The device authorization grant's `grant_type` (RFC 8628 §3.4): list it in a client's
 * `grantTypes` to let the client use the device flow.
 * @publicApi
 */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
