import { type ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { bodyBoundsViolation } from './body-bounds.js';
import { ManagementException, type FieldError } from './management.errors.js';

/**
 * class-validator over the management DTOs, applied by the management controllers only (never
 * globally): unknown fields are refused, every failure is a 400 naming its field. A body that is
 * not a JSON object (absent, an array, a string) is a 400 naming `body`. Because every field is
 * checked for its type, an operator object such as `{"$ne": ""}` never reaches a store. A body
 * nested too deep or too large ({@link bodyBoundsViolation}) is a 400 naming `body` before
 * class-transformer, which recurses per level, ever sees it (issue 15).
 */
@Injectable()
export class ManagementValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      stopAtFirstError: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => ManagementException.invalidInput(fieldErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && !isPlainObject(value)) {
      throw ManagementException.invalidField('body', 'The request body must be a JSON object');
    }
    if (metadata.type === 'body') {
      const violation = bodyBoundsViolation(value);
      if (violation !== undefined) throw ManagementException.invalidField('body', violation);
    }
    return super.transform(value, metadata);
  }
}

/** Flattens class-validator's tree to `{field, message}` pairs, nested paths dotted. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const field = error.property
      ? `${parent}${error.property}`
      : parent.replace(/\.$/, '') || 'body';
    for (const message of Object.values(error.constraints ?? {})) result.push({ field, message });
    if (error.children?.length) result.push(...fieldErrors(error.children, `${field}.`));
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
