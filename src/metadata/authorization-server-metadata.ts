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
  token_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  revocation_endpoint?: string;
  revocation_endpoint_auth_methods_supported?: string[];
  introspection_endpoint?: string;
  introspection_endpoint_auth_methods_supported?: string[];
  /**
   * Always present: omitted it would mean `["authorization_code", "implicit"]` (§2), neither of
   * which this server offers. Empty when the token endpoint is disabled.
   */
  grant_types_supported: string[];
  /**
   * REQUIRED by §2, and empty: there is no authorization endpoint, so no `response_type` is
   * supported.
   */
  response_types_supported: string[];
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
    'tokenPath' | 'revocationPath' | 'introspectionPath' | 'scopesSupported'
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
  if (options.tokenPath !== false) {
    document.token_endpoint = `${origin}${options.tokenPath}`;
    document.token_endpoint_auth_methods_supported = [...CLIENT_AUTH_METHODS];
    document.grant_types_supported = [...source.grantTypes];
  }
  if (options.revocationPath !== false) {
    document.revocation_endpoint = `${origin}${options.revocationPath}`;
    document.revocation_endpoint_auth_methods_supported = [...CLIENT_AUTH_METHODS];
  }
  if (options.introspectionPath !== false) {
    document.introspection_endpoint = `${origin}${options.introspectionPath}`;
    document.introspection_endpoint_auth_methods_supported = [...INTROSPECTION_AUTH_METHODS];
  }
  if (options.scopesSupported !== undefined) {
    document.scopes_supported = [...options.scopesSupported];
  }
  return ordered(document);
}

const FIELD_ORDER: ReadonlyArray<keyof AuthorizationServerMetadata> = [
  'issuer',
  'token_endpoint',
  'token_endpoint_auth_methods_supported',
  'revocation_endpoint',
  'revocation_endpoint_auth_methods_supported',
  'introspection_endpoint',
  'introspection_endpoint_auth_methods_supported',
  'grant_types_supported',
  'response_types_supported',
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
