import { SentinelConfigError } from '../../options/option-checks.js';
import type { GrantCatalog } from '../../storage/client-store.js';
import { BUILT_IN_GRANTS } from './built-in-grants.js';
import type { GrantRegistration } from './grant.js';

/** RFC 6749 Appendix A.10 `grant-name`: `1*name-char`. */
const GRANT_NAME = /^[A-Za-z0-9._-]+$/;
/** An absolute URI (RFC 3986 §4.3) made of visible ASCII, as RFC 6749 §4.5 extension grants are. */
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7E]+$/;

/** Most grants one server registers; a bound on the lists clients may carry. */
export const MAX_GRANTS = 32;

/**
 * The one list of grant types this server implements: the built-in ones and those the host
 * registered through the `grants` option. It decides dispatch at the token endpoint, the grant
 * types a client may list (management API, both client stores, the console) and
 * `grant_types_supported` in the metadata. Built when the module is defined, because the grant
 * classes become providers.
 */
export class GrantRegistry implements GrantCatalog {
  private readonly byType: ReadonlyMap<string, Readonly<GrantRegistration>>;

  private constructor(readonly registrations: readonly Readonly<GrantRegistration>[]) {
    this.byType = new Map(registrations.map((grant) => [grant.grantType, grant]));
  }

  /**
   * The built-in grants followed by `hostGrants`.
   * @throws SentinelConfigError naming `grants` when an entry is malformed or a grant type is
   *   registered twice (a built-in one included).
   */
  static of(hostGrants: unknown = []): GrantRegistry {
    if (!Array.isArray(hostGrants)) {
      throw new SentinelConfigError('grants', 'must be an array of { grantType, useClass }');
    }
    const registrations = [...BUILT_IN_GRANTS];
    hostGrants.forEach((entry: unknown, index) => {
      const grant = checkRegistration(entry, `grants[${index}]`);
      if (registrations.some((known) => known.grantType === grant.grantType)) {
        throw new SentinelConfigError(
          `grants[${index}].grantType`,
          `"${grant.grantType}" is already registered`,
        );
      }
      registrations.push(grant);
    });
    if (registrations.length > MAX_GRANTS) {
      throw new SentinelConfigError('grants', `at most ${MAX_GRANTS} grants can be registered`);
    }
    return new GrantRegistry(Object.freeze(registrations));
  }

  get grantTypes(): readonly string[] {
    return [...this.byType.keys()];
  }

  has(grantType: string): boolean {
    return this.byType.has(grantType);
  }

  requiresConfidentialClient(grantType: string): boolean {
    return this.byType.get(grantType)?.confidentialClientsOnly === true;
  }
}

function checkRegistration(entry: unknown, field: string): Readonly<GrantRegistration> {
  if (typeof entry !== 'object' || entry === null) {
    throw new SentinelConfigError(field, 'must be an object { grantType, useClass }');
  }
  const { grantType, useClass, confidentialClientsOnly } = entry as Record<string, unknown>;
  if (
    typeof grantType !== 'string' ||
    !(GRANT_NAME.test(grantType) || ABSOLUTE_URI.test(grantType))
  ) {
    throw new SentinelConfigError(
      `${field}.grantType`,
      'must be a grant name (RFC 6749 Appendix A.10) or an absolute URI (§4.5)',
    );
  }
  if (typeof useClass !== 'function') {
    throw new SentinelConfigError(`${field}.useClass`, 'must be a class implementing Grant');
  }
  if (confidentialClientsOnly !== undefined && typeof confidentialClientsOnly !== 'boolean') {
    throw new SentinelConfigError(`${field}.confidentialClientsOnly`, 'must be a boolean');
  }
  return Object.freeze({
    grantType,
    useClass: useClass as GrantRegistration['useClass'],
    confidentialClientsOnly: confidentialClientsOnly === true,
  });
}
