import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { isCanonicalScope } from '../../token/scope.js';

// Control characters are exactly what this pattern exists to refuse.
// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARACTERS = /^[^\x00-\x1F\x7F]*$/;
const PAGE = /^[1-9][0-9]{0,5}$/;
const PER_PAGE = /^(?:[1-9]|[1-9][0-9]|100)$/;

// Decorator order in the DTOs: class-validator runs a property's decorators bottom-up and the pipe
// stops at the first failure, so the type check sits nearest the property. An operator object
// such as {"$ne": ""} is then reported as "must be a string", not by a pattern that never applied.

/** Longest scope string accepted for a user or client. */
export const MAX_SCOPE_LENGTH = 2000;
/** Largest `per_page` of a list. */
export const MAX_PER_PAGE = 100;
/** `per_page` when the query does not say. */
export const DEFAULT_PER_PAGE = 20;

/** A space-delimited scope (RFC 6749 §3.3), possibly empty. */
export function IsScope(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isScope', validator: { validate: (value) => isCanonicalScope(value) } },
    {
      message: '$property must be space-separated scope tokens (printable ASCII, no quotes)',
      ...options,
    },
  );
}

/** Text without control characters (names shown in the console and in logs). */
export function IsPrintable(options?: ValidationOptions): PropertyDecorator {
  return Matches(NO_CONTROL_CHARACTERS, {
    message: '$property must not contain control characters',
    ...options,
  });
}

/** `page` of a list query: a whole number from 1 to 999 999, as the query string gives it. */
export function IsPageNumber(): PropertyDecorator {
  return Matches(PAGE, { message: '$property must be a whole number from 1 to 999999' });
}

/** `per_page` of a list query: 1 to {@link MAX_PER_PAGE}. */
export function IsPerPage(): PropertyDecorator {
  return Matches(PER_PAGE, {
    message: `$property must be a whole number from 1 to ${MAX_PER_PAGE}`,
  });
}
