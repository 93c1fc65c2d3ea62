import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SentinelConfigError } from '../../options/option-checks.js';
import type { ResolvedSentinelOptions } from '../../options/resolved-options.js';
import type { GrantCatalog } from '../../storage/client-store.js';
import { DEFAULT_GRANT_TYPES } from '../dto/client.dto.js';
import { consoleHtml } from './console.html.js';
import { CONSOLE_SCRIPT } from './console.script.js';
import { CONSOLE_STYLES } from './console.styles.js';

/** DI token of the {@link ConsolePage} the console controller serves. */
export const MANAGEMENT_CONSOLE_PAGE = 'SENTINEL:MANAGEMENT_CONSOLE_PAGE';

/** The console document and the headers it is served with. */
export interface ConsolePage {
  html: string;
  headers: Readonly<Record<string, string>>;
}

const COMMON_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
} as const;

/**
 * The built-in page: its one inline script and one inline style are allowed by SHA-256 hash and
 * nothing else is — no other script, style, frame, form target or base URL; `fetch` to this
 * origin only.
 */
export function builtInConsolePage(grants: GrantCatalog): ConsolePage {
  const csp = [
    "default-src 'none'",
    `script-src '${cspHash(CONSOLE_SCRIPT)}'`,
    `style-src '${cspHash(CONSOLE_STYLES)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    html: consoleHtml(CONSOLE_STYLES, CONSOLE_SCRIPT, {
      grantTypes: grants.grantTypes,
      checkedByDefault: DEFAULT_GRANT_TYPES,
    }),
    headers: { ...COMMON_HEADERS, 'Content-Security-Policy': csp },
  };
}

/**
 * A host's replacement page (`management.consoleFile`), read once at start-up. It is served with
 * a strict same-origin policy: scripts and styles from this origin's files only (no inline
 * script), requests to this origin only, never framed.
 *
 * @throws SentinelConfigError naming `management.consoleFile` when the file cannot be read.
 */
export async function fileConsolePage(path: string): Promise<ConsolePage> {
  let html: string;
  try {
    html = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new SentinelConfigError(
      'management.consoleFile',
      `cannot read "${path}"${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  const csp = [
    "default-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, headers: { ...COMMON_HEADERS, 'Content-Security-Policy': csp } };
}

/** The page the options ask for. */
export function loadConsolePage(
  options: ResolvedSentinelOptions,
  grants: GrantCatalog,
): Promise<ConsolePage> {
  const file = options.management.consoleFile;
  return file === undefined ? Promise.resolve(builtInConsolePage(grants)) : fileConsolePage(file);
}

/** A CSP source expression allowing exactly this inline script or style. */
export function cspHash(content: string): string {
  return `sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}`;
}
