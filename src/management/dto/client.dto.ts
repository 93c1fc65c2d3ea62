import { IsIn } from 'class-validator';
import type { ClientType } from '../../storage/client-store.js';
import { FlagField, GrantTypesField, NameField, RedirectUrisField, ScopeField } from './fields.js';

const CLIENT_TYPES: readonly ClientType[] = ['public', 'confidential'];

/** Grant types of a client created without `grant_types`. */
export const DEFAULT_GRANT_TYPES: readonly string[] = ['password', 'refresh_token'];

/**
 * `POST {mgmt}/clients`, with RFC 7591 field names. A confidential-only grant such as
 * `client_credentials` (RFC 6749 §4.4) needs a confidential client; a public client asking for
 * it gets 400 naming `grant_types`.
 */
export class CreateClientDto {
  @NameField()
  client_name!: string;

  @IsIn(CLIENT_TYPES, { message: '$property must be one of public, confidential' })
  client_type!: ClientType;

  @GrantTypesField()
  grant_types?: string[];

  /** Scopes the client may request; empty or omitted means it may request none. */
  @ScopeField()
  scope?: string;

  /** Where the authorization endpoint may send the user back. Default none. */
  @RedirectUrisField()
  redirect_uris?: string[];

  /** The host's own app: its users are not asked for consent. Default `false`. */
  @FlagField()
  first_party?: boolean;
}

/** `PATCH {mgmt}/clients/:client_id`. The type of a client cannot change. */
export class UpdateClientDto {
  @NameField({ optional: true })
  client_name?: string;

  @GrantTypesField()
  grant_types?: string[];

  @ScopeField()
  scope?: string;

  @RedirectUrisField()
  redirect_uris?: string[];

  @FlagField()
  first_party?: boolean;
}
