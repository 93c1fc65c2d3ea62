import { describe, expect, it } from '@jest/globals';
import {
  buildConsoleScriptModule,
  readTarget,
  transpileConsoleScript,
} from '../../../scripts/build-console-script.js';
import { builtInConsolePage, cspHash } from './console-page.js';
import { CONSOLE_SCRIPT } from './console.script.js';

const join = (...files: [string, string][]) =>
  transpileConsoleScript(files.map(([name, text]) => ({ name, text })));

describe('console script (generated from browser/*.ts by scripts/build-console-script.js)', () => {
  it('is up to date: console.script.ts is what the generator writes from the browser sources', async () => {
    // A plain comparison: a diff of the one-line string constant would be unreadable.
    const stale = readTarget() !== (await buildConsoleScriptModule());
    if (stale) {
      throw new Error(
        'src/management/console/console.script.ts is stale: edit browser/*.ts, then run ' +
          '`node scripts/build-console-script.js` and commit both',
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

  it('joins the files into one scope: imports and export keywords dropped, types erased', () => {
    const script = join(
      [
        'a.ts',
        'export interface Named { name: string }\nexport const greet = (n: Named) => n.name;\n',
      ],
      [
        'b.ts',
        "import { greet } from './a.js';\nimport type { Named } from './a.js';\nconst n: Named = { name: 'x' };\ndocument.title = greet(n);\n",
      ],
    );
    expect(script).toBe(
      "(function () {\n  'use strict';\n  const greet = (n) => n.name;\n  const n = { name: 'x' };\n  document.title = greet(n);\n})();\n",
    );
  });

  it.each([
    [
      'a package',
      "import { readFile } from 'node:fs';\nreadFile('x', () => {});\n",
      /may import only its own/,
    ],
    ['a renamed name', "import { b as c } from './b.js';\nc();\n", /renamed import/],
    ['a namespace', "import * as b from './b.js';\nb.b();\n", /only named imports/],
    ['a side effect', "import './b.js';\n", /only named imports/],
    ['a default export', 'export default function () {}\n', /no default exports/],
    ['an export list', 'const a = 1;\nexport { a };\n', /not export \{/],
    ['a closing script tag', "document.title = '</script>';\n", /<\/script/],
  ])('refuses a source with %s', (_what, text, message) => {
    expect(() => join(['b.ts', 'export function b() {}\n'], ['a.ts', text])).toThrow(message);
  });

  it('refuses an import from a file joined later (its top-level code has not run yet)', () => {
    expect(() =>
      join(['a.ts', "import { b } from './b.js';\nb();\n"], ['b.ts', 'export function b() {}\n']),
    ).toThrow(/joined after a.ts: reorder FILES/);
  });

  it('refuses a name declared in two files (they share one scope)', () => {
    expect(() => join(['a.ts', 'export const x = 1;\n'], ['b.ts', 'function x() {}\n'])).toThrow(
      /"x" is declared in both a.ts and b.ts/,
    );
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
