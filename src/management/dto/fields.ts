import { applyDecorators } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { MAX_REDIRECT_URIS } from '../../authorization/redirect-uris.js';
import { MAX_GRANTS } from '../../token/grants/grant-registry.js';
import { IsPrintable, IsScope, MAX_SCOPE_LENGTH } from './validators.js';

/**
 * The fields the management DTOs share, each written once. Decorators are listed as they would be
 * stacked on the property, top to bottom (see validators.ts on why the type check comes last).
 */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return applyDecorators(...decorators.reverse());
}

function optionally(optional: boolean, ...decorators: PropertyDecorator[]): PropertyDecorator {
  return optional ? stacked(IsOptional(), ...decorators) : stacked(...decorators);
}

/** A display name or username: printable, 1–200 characters. */
export function NameField(options: { optional?: boolean } = {}): PropertyDecorator {
  return optionally(
    options.optional ?? false,
    IsPrintable(),
    MaxLength(200),
    IsNotEmpty(),
    IsString(),
  );
}

/** An optional `true` or `false` (JSON booleans only: `"true"` and `1` are refused). */
export function FlagField(): PropertyDecorator {
  return stacked(IsOptional(), IsBoolean({ message: '$property must be true or false' }));
}

/** A space-delimited scope (RFC 6749 §3.3), possibly empty; always optional. */
export function ScopeField(): PropertyDecorator {
  return stacked(IsOptional(), IsScope(), MaxLength(MAX_SCOPE_LENGTH), IsString());
}

/** An optional id filter of a query: a non-empty string of at most 200 characters. */
export function IdFilterField(): PropertyDecorator {
  return stacked(IsOptional(), MaxLength(200), IsNotEmpty(), IsString());
}

/**
 * The shape of a grant type (visible ASCII, bounded). Which grant types exist is the grant
 * registry's answer, checked by the client store with the message "grant_types must only
 * contain …" naming the registered ones.
 */
const GRANT_TYPE_SHAPE = /^[\x21-\x7E]{1,255}$/;
const GRANT_TYPE_SHAPE_MESSAGE = '$property must only contain grant type names';

/** `grant_types`: a non-empty list of grant-type names; always optional. */
export function GrantTypesField(): PropertyDecorator {
  return stacked(
    IsOptional(),
    Matches(GRANT_TYPE_SHAPE, { each: true, message: GRANT_TYPE_SHAPE_MESSAGE }),
    IsString({ each: true, message: GRANT_TYPE_SHAPE_MESSAGE }),
    ArrayMaxSize(MAX_GRANTS * 2),
    ArrayNotEmpty(),
    IsArray(),
  );
}

/**
 * `redirect_uris` (RFC 7591): a list of strings; each is checked by the client store against the
 * redirect-URI rules (authorization/redirect-uris.ts). Always optional.
 */
export function RedirectUrisField(): PropertyDecorator {
  return stacked(
    IsOptional(),
    IsString({ each: true, message: '$property must only contain URIs' }),
    ArrayMaxSize(MAX_REDIRECT_URIS),
    IsArray(),
  );
}
