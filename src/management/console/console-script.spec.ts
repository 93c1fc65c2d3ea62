import { describe, expect, it } from '@jest/globals';
import {
  buildConsoleScriptModule,
  readTarget,
  transpileConsoleScript,
} from '../../../scripts/build-console-script.js';
import { builtInConsolePage, cspHash } from './console-page.js';
import { CONSOLE_SCRIPT } from './console.script.js';

describe('console script (generated from browser/console.browser.ts)', () => {
  it('is up to date: console.script.ts is what the generator writes from the browser source', async () => {
    // A plain comparison: a diff of the one-line string constant would be unreadable.
    const stale = readTarget() !== (await buildConsoleScriptModule());
    if (stale) {
      throw new Error(
        'src/management/console/console.script.ts is stale: edit browser/console.browser.ts, ' +
          'then run `node scripts/build-console-script.js` and commit both',
      );
    }
    expect(stale).toBe(false);
  });

  it('is one strict IIFE without module syntax or markup that would end the inline script', () => {
    expect(CONSOLE_SCRIPT.startsWith("(function () {\n  'use strict';\n")).toBe(true);
    expect(CONSOLE_SCRIPT.trimEnd().endsWith('})();')).toBe(true);
    expect(CONSOLE_SCRIPT).not.toMatch(/<\/script|<!--/i);
    expect(CONSOLE_SCRIPT).not.toMatch(/^\s*(import|export)\b/m);
  });

  it('refuses a source that imports something', () => {
    expect(() => transpileConsoleScript("import { x } from './x.js';\nx();\n")).toThrow(
      /must not import or export/,
    );
  });

  it('refuses a source that would close the script element', () => {
    expect(() => transpileConsoleScript("document.title = '</script>';\n")).toThrow(/<\/script/);
  });

  it('is inlined verbatim and allowed by its SHA-256 hash (ADR 0005)', () => {
    const page = builtInConsolePage({
      grantTypes: ['password'],
      requiresConfidentialClient: () => false,
    });
    expect(page.html).toContain(`<script>${CONSOLE_SCRIPT}</script>`);
    expect(page.headers['Content-Security-Policy']).toContain(
      `script-src '${cspHash(CONSOLE_SCRIPT)}'`,
    );
  });
});
