// Writes src/management/console/console.script.ts from the browser source
// src/management/console/browser/console.browser.ts: transpiled (types removed, ES2020) and
// wrapped in one strict IIFE, kept as a string constant so the package ships no asset files and
// the page can inline the script under its CSP hash (docs/adr/0005-management-protection.md,
// "Console"). The generated file is committed (tests run from src); `npm run build` regenerates
// it and src/management/console/console-script.spec.ts fails when it is stale.
// Type-checking the source is `tsc -p tsconfig.console.json` (part of `npm run lint`).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const ROOT = new URL('../', import.meta.url);
export const SOURCE = 'src/management/console/browser/console.browser.ts';
export const TARGET = 'src/management/console/console.script.ts';

const HEADER = `// generated from ${SOURCE} by scripts/build-console-script.js, do not edit.
// Run \`node scripts/build-console-script.js\` (or \`npm run build\`) after changing the source.
`;

/** The transpiled script: one strict IIFE, no comments, no module syntax. */
export function transpileConsoleScript(source) {
  const { outputText, diagnostics = [] } = ts.transpileModule(source, {
    fileName: SOURCE,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.Preserve,
      moduleDetection: ts.ModuleDetectionKind.Force,
      isolatedModules: true,
      removeComments: true,
      newLine: ts.NewLineKind.LineFeed,
    },
  });
  if (diagnostics.length > 0) {
    const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    throw new Error(`${SOURCE} does not transpile:\n${text.join('\n')}`);
  }
  // The page inlines one self-contained classic script: nothing may be imported or exported.
  if (/^\s*(import|export)\b/m.test(outputText)) {
    throw new Error(`${SOURCE} must not import or export anything (it becomes an inline script)`);
  }
  // Inside <script>…</script> these would end the element or change how it is parsed.
  if (/<\/script|<!--/i.test(outputText)) {
    throw new Error(`${SOURCE} must not contain "</script" or "<!--"`);
  }
  const body = outputText
    .trimEnd()
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  return `(function () {\n  'use strict';\n${body}\n})();\n`;
}

/** The text of the generated module for this browser source, formatted by the repo's Prettier. */
export async function buildConsoleScriptModule(source = readSource()) {
  const script = transpileConsoleScript(source);
  const text = `${HEADER}export const CONSOLE_SCRIPT = ${JSON.stringify(script)};\n`;
  const targetPath = fileURLToPath(new URL(TARGET, ROOT));
  const options = (await prettier.resolveConfig(targetPath)) ?? {};
  return prettier.format(text, { ...options, filepath: targetPath });
}

export function readSource() {
  return readFileSync(new URL(SOURCE, ROOT), 'utf8');
}

export function readTarget() {
  return readFileSync(new URL(TARGET, ROOT), 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL(TARGET, ROOT), await buildConsoleScriptModule());
  console.log(`wrote ${TARGET}`);
}
