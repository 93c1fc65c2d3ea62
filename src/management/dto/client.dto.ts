import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  Matches,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import type { ClientType } from '../../storage/client-store.js';
import { MAX_REDIRECT_URIS } from '../../authorization/redirect-uris.js';
import { MAX_GRANTS } from '../../token/grants/grant-registry.js';
import { IsPrintable, IsScope, MAX_SCOPE_LENGTH } from './validators.js';

const CLIENT_TYPES: readonly ClientType[] = ['public', 'confidential'];
/**
 * The shape of a grant type (visible ASCII, bounded). Which grant types exist is the grant
 * registry's answer, checked by the client store with the message "grant_types must only
 * contain …" naming the registered ones.
 */
const GRANT_TYPE_SHAPE = /^[\x21-\x7E]{1,255}$/;
const GRANT_TYPE_SHAPE_MESSAGE = '$property must only contain grant type names';

/** Grant types of a client created without `grant_types`. */
export const DEFAULT_GRANT_TYPES: readonly string[] = ['password', 'refresh_token'];

/**
 * `POST {mgmt}/clients`, with RFC 7591 field names. A confidential-only grant such as
 * `client_credentials` (RFC 6749 §4.4) needs a confidential client; a public client asking for
 * it gets 400 naming `grant_types`.
 */
export class CreateClientDto {
  @IsPrintable()
  @MaxLength(200)
  @IsNotEmpty()
  @IsString()
  client_name!: string;

  @IsIn(CLIENT_TYPES, { message: '$property must be one of public, confidential' })
  client_type!: ClientType;

  @IsOptional()
  @Matches(GRANT_TYPE_SHAPE, { each: true, message: GRANT_TYPE_SHAPE_MESSAGE })
  @IsString({ each: true, message: GRANT_TYPE_SHAPE_MESSAGE })
  @ArrayMaxSize(MAX_GRANTS * 2)
  @ArrayNotEmpty()
  @IsArray()
  grant_types?: string[];

  /** Scopes the client may request; empty or omitted means it may request none. */
  @IsOptional()
  @IsScope()
  @MaxLength(MAX_SCOPE_LENGTH)
  @IsString()
  scope?: string;
  /**
   * Where the authorization endpoint may send the user back (RFC 7591 `redirect_uris`); each is
   * checked by the client store against the redirect-URI rules.
   */
  @IsOptional()
  @IsString({ each: true, message: '$property must only contain URIs' })
  @ArrayMaxSize(MAX_REDIRECT_URIS)
  @IsArray()
  redirect_uris?: string[];
}

/** `PATCH {mgmt}/clients/:client_id`. The type of a client cannot change. */
export class UpdateClientDto {
  @IsOptional()
  @IsPrintable()
  @MaxLength(200)
  @IsNotEmpty()
  @IsString()
  client_name?: string;

  @IsOptional()
  @Matches(GRANT_TYPE_SHAPE, { each: true, message: GRANT_TYPE_SHAPE_MESSAGE })
  @IsString({ each: true, message: GRANT_TYPE_SHAPE_MESSAGE })
  @ArrayMaxSize(MAX_GRANTS * 2)
  @ArrayNotEmpty()
  @IsArray()
  grant_types?: string[];

  @IsOptional()
  @IsScope()
  @MaxLength(MAX_SCOPE_LENGTH)
  @IsString()
  scope?: string;
  /**
   * Where the authorization endpoint may send the user back (RFC 7591 `redirect_uris`); each is
   * checked by the client store against the redirect-URI rules.
   */
  @IsOptional()
  @IsString({ each: true, message: '$property must only contain URIs' })
  @ArrayMaxSize(MAX_REDIRECT_URIS)
  @IsArray()
  redirect_uris?: string[];
}
