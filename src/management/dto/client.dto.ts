import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { GRANT_TYPES, type ClientType, type GrantType } from '../../storage/client-store.js';
import { IsPrintable, IsScope, MAX_SCOPE_LENGTH } from './validators.js';

const CLIENT_TYPES: readonly ClientType[] = ['public', 'confidential'];
const GRANT_TYPES_MESSAGE = `$property must only contain ${GRANT_TYPES.join(', ')}`;

/** Grant types of a client created without `grant_types`. */
export const DEFAULT_GRANT_TYPES: readonly GrantType[] = ['password', 'refresh_token'];

/**
 * `POST {mgmt}/clients`, with RFC 7591 field names. `client_credentials` needs a confidential
 * client (RFC 6749 §4.4); a public client asking for it gets 400 naming `grant_types`.
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
  @IsIn(GRANT_TYPES, { each: true, message: GRANT_TYPES_MESSAGE })
  @ArrayMaxSize(GRANT_TYPES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  grant_types?: GrantType[];

  /** Scopes the client may request; empty or omitted means it may request none. */
  @IsOptional()
  @IsScope()
  @MaxLength(MAX_SCOPE_LENGTH)
  @IsString()
  scope?: string;
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
  @IsIn(GRANT_TYPES, { each: true, message: GRANT_TYPES_MESSAGE })
  @ArrayMaxSize(GRANT_TYPES.length * 2)
  @ArrayNotEmpty()
  @IsArray()
  grant_types?: GrantType[];

  @IsOptional()
  @IsScope()
  @MaxLength(MAX_SCOPE_LENGTH)
  @IsString()
  scope?: string;
}
