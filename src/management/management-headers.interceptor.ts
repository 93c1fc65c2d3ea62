import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { MANAGEMENT_RESPONSE_HEADERS } from './management-exception.filter.js';

/** Sets `Cache-Control: no-store` and `nosniff` on successful management responses. */
@Injectable()
export class ManagementHeadersInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response: unknown = context.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(MANAGEMENT_RESPONSE_HEADERS)) {
      this.adapterHost.httpAdapter.setHeader(response, name, value);
    }
    return next.handle();
  }
}
