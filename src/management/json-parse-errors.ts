import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { MANAGEMENT_RESPONSE_HEADERS } from './management-exception.filter.js';
import { ManagementException } from './management.errors.js';

/** What body-parser passes on for a body that is not JSON (an `http-errors` 400). */
interface ParseFailure {
  type?: unknown;
}

interface ExpressLike {
  use(
    handler: (error: unknown, req: ExpressRequest, res: ExpressResponse, next: Next) => void,
  ): void;
}
interface ExpressRequest {
  path?: string;
}
interface ExpressResponse {
  headersSent?: boolean;
  status(code: number): ExpressResponse;
  set(headers: Record<string, string>): ExpressResponse;
  json(body: unknown): void;
}
type Next = (error?: unknown) => void;

/** The one answer to a management body that is not JSON: it quotes nothing of the body. */
export const NOT_JSON = 'The request body is not valid JSON';

/**
 * Renders the platform JSON parser's failures on management routes as the management API's
 * `400 invalid_input` naming `body` (issue 15, ADR 0015). Express's body-parser reports
 * `JSON.parse`'s message, which quotes the start of the body — possibly a password — and Nest
 * hands that message to the client. The body is parsed before routing, so the controllers'
 * filter never sees the error: this error layer is added during module init, after the routes
 * and before Nest's own error handler. Other paths and other errors pass through untouched.
 * Fastify's parser error does not quote the body and is left to the platform.
 */
@Injectable()
export class ManagementJsonParseErrors implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as
      { getType(): string; getInstance(): unknown } | undefined;
    const path = this.options.managementPath;
    if (adapter?.getType() !== 'express' || path === false) return;
    const app = adapter.getInstance() as ExpressLike;
    app.use((error, req, res, next) => {
      const failure = error as ParseFailure | null;
      if (failure?.type !== 'entity.parse.failed' || res.headersSent || !isUnder(req.path, path)) {
        next(error);
        return;
      }
      const rendered = ManagementException.invalidField('body', NOT_JSON);
      res
        .status(rendered.getStatus())
        .set({ ...MANAGEMENT_RESPONSE_HEADERS })
        .json(rendered.body);
    });
  }
}

/** Whether `requestPath` is `mount` or below it, with or without a global prefix before it. */
function isUnder(requestPath: string | undefined, mount: string): boolean {
  if (requestPath === undefined) return false;
  const at = requestPath.indexOf(mount);
  if (at < 0) return false;
  const rest = requestPath.slice(at + mount.length);
  return rest === '' || rest.startsWith('/');
}
