import { applyDecorators, UseFilters, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { BasicAuthGuard } from './basic-auth.guard.js';
import { ManagementExceptionFilter } from './management-exception.filter.js';
import { ManagementHeadersInterceptor } from './management-headers.interceptor.js';
import { ManagementValidationPipe } from './management-validation.pipe.js';
import { SameOriginGuard } from './same-origin.guard.js';

/**
 * What every management controller shares, scoped to those controllers only (nothing global):
 * Basic auth and throttling, then the CSRF checks, the DTO validation pipe, JSON errors and
 * `no-store` headers.
 */
export function ManagementEndpoint(): ClassDecorator {
  return applyDecorators(
    UseGuards(BasicAuthGuard, SameOriginGuard),
    UseFilters(ManagementExceptionFilter),
    UsePipes(ManagementValidationPipe),
    UseInterceptors(ManagementHeadersInterceptor),
  );
}
