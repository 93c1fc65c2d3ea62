import type { LoggerService } from '@nestjs/common';

/**
 * Logs a dependency's outage once when it starts and once when it ends, not on every failed
 * call: a Redis or MongoDB outage must not flood the log at request rate. Messages never carry
 * a token or a secret (docs/security.md 22); name the error class, not its details.
 */
export class OutageLog {
  private down = false;

  /**
   * @param logger where to report.
   * @param level the level of the "it is down" line (`warn` for a fallback, `error` for a 503).
   */
  constructor(
    private readonly logger: Pick<LoggerService, 'log' | 'warn'> &
      Partial<Pick<LoggerService, 'error'>>,
    private readonly level: 'warn' | 'error' = 'warn',
  ) {}

  get isDown(): boolean {
    return this.down;
  }

  /** A call failed: logs `message` if this starts an outage. */
  failed(message: string | (() => string)): void {
    if (this.down) return;
    this.down = true;
    const text = typeof message === 'function' ? message() : message;
    if (this.level === 'error' && this.logger.error) this.logger.error(text);
    else this.logger.warn(text);
  }

  /** A call succeeded: logs `message` if this ends an outage. */
  succeeded(message: string): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log(message);
  }
}

/** The name of an error's class, for a log line that must not repeat the error's text. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
