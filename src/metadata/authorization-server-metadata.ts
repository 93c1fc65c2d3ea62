import { AUTHORIZATION_CODE } from '../authorization/authorization-request.validator.js';
import { PKCE_METHOD } from '../authorization/pkce.js';
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-grant-type.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';

/** Client authentication methods of the token and revocation endpoints (RFC 7591 §2 names). */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
/** Introspection needs a confidential client (RFC 7662 §2.1): no `none`. */
export const INTROSPECTION_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;

/**
 * The authorization server metadata this module publishes (RFC 8414 §2). Only what the server
 * does is listed; disabled endpoints are left out.
 * @publicApi
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  revocation_endpoint?: string;
  revocation_endpoint_auth_methods_supported?: string[];
  introspection_endpoint?: string;
  introspection_endpoint_auth_methods_supported?: string[];
  /** RFC 8628 §4: the device authorization endpoint, when it is mounted. */
  device_authorization_endpoint?: string;
  /**
   * Always present: omitted it would mean `["authorization_code", "implicit"]` (§2), neither of
   * which this server offers. Empty when the token endpoint is disabled.
   */
  grant_types_supported: string[];
  /** REQUIRED by §2: `["code"]` with the authorization endpoint, else empty. */
  response_types_supported: string[];
  /** `["query"]`: the only response mode (RFC 6749 §4.1.2). */
  response_modes_supported?: string[];
  /** `["S256"]` (RFC 7636, docs/security.md 24): `plain` is refused. */
  code_challenge_methods_supported?: string[];
  /** RFC 9207 §3: every authorization response carries `iss`. */
  authorization_response_iss_parameter_supported?: boolean;
  scopes_supported?: string[];
}

/** What a metadata document is built from. */
export interface MetadataSource {
  /** The issuer identifier, exactly as it is published. */
  issuer: string;
  /** Scheme, host and port that endpoint paths are appended to. */
  origin: string;
  options: Pick<
    ResolvedSentinelOptions,
    | 'tokenPath'
    | 'revocationPath'
    | 'introspectionPath'
    | 'scopesSupported'
    | 'authorizePath'
    | 'deviceAuthorizationPath'
  >;
  /** The grant types the token endpoint dispatches to. */
  grantTypes: readonly string[];
}

/** Builds the metadata document from the live configuration. */
export function buildMetadata(source: MetadataSource): AuthorizationServerMetadata {
  const { origin, options } = source;
  const document: AuthorizationServerMetadata = {
    issuer: source.issuer,
    grant_types_supported: [],
    response_types_supported: [],
  };
  if (options.authorizePath !== false) {
    document.authorization_endpoint = `${origin}${options.authorizePath}`;
    document.response_types_supported = ['code'];
    document.response_modes_supported = ['query'];
    document.code_challenge_methods_supported = [PKCE_METHOD];
    document.authorization_response_iss_parameter_supported = true;
  }
  if (options.tokenPath !== false) {
    document.token_endpoint = `${origin}${options.tokenPath}`;
    document.token_endpoint_auth_methods_supported = [...CLIENT_AUTH_METHODS];
    // A code can only come from the authorization endpoint, a device code only from the
    // device authorization endpoint (RFC 8628 §3.1).
    document.grant_types_supported = source.grantTypes.filter(
      (grantType) =>
        (grantType !== AUTHORIZATION_CODE || options.authorizePath !== false) &&
        (grantType !== DEVICE_CODE_GRANT_TYPE || options.deviceAuthorizationPath !== false),
    );
  }
  if (options.revocationPath !== false) {
    document.revocation_endpoint = `${origin}${options.revocationPath}`;
    document.revocation_endpoint_auth_methods_supported = [...CLIENT_AUTH_METHODS];
  }
  if (options.introspectionPath !== false) {
    document.introspection_endpoint = `${origin}${options.introspectionPath}`;
    document.introspection_endpoint_auth_methods_supported = [...INTROSPECTION_AUTH_METHODS];
  }
  if (options.deviceAuthorizationPath !== false) {
    document.device_authorization_endpoint = `${origin}${options.deviceAuthorizationPath}`;
  }
  if (options.scopesSupported !== undefined) {
    document.scopes_supported = [...options.scopesSupported];
  }
  return ordered(document);
}

const FIELD_ORDER: ReadonlyArray<keyof AuthorizationServerMetadata> = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'token_endpoint_auth_methods_supported',
  'revocation_endpoint',
  'revocation_endpoint_auth_methods_supported',
  'introspection_endpoint',
  'introspection_endpoint_auth_methods_supported',
  'device_authorization_endpoint',
  'grant_types_supported',
  'response_types_supported',
  'response_modes_supported',
  'code_challenge_methods_supported',
  'authorization_response_iss_parameter_supported',
  'scopes_supported',
];

/** The fields in RFC 8414 reading order, so the JSON is stable and easy to read. */
function ordered(document: AuthorizationServerMetadata): AuthorizationServerMetadata {
  const result: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) {
    if (document[field] !== undefined) result[field] = document[field];
  }
  return result as unknown as AuthorizationServerMetadata;
}
