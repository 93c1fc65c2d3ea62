// Writes src/management/console/console.script.ts from the browser sources in
// src/management/console/browser/: each file transpiled (types removed, ES2020), the files joined
// in FILES order into one strict IIFE, kept as a string constant so the package ships no asset
// files and the page can inline the script under its CSP hash
// (docs/adr/0005-management-protection.md, "Console").
//
// The browser files are ES modules only so that tsc can check them file by file; they import each
// other's names (named, unrenamed, from `./<file>.js` of an earlier file) and nothing else. Joining them into one
// scope is then exact: imports are dropped, `export` is dropped, names stay as they are, and a
// name declared in two files is refused.
//
// The generated file is committed (tests run from src); `npm run build` regenerates it and
// src/management/console/console-script.spec.ts fails when it is stale. Type-checking the sources
// is `tsc -p tsconfig.console.json` (part of `npm run lint`).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

const ROOT = new URL('../', import.meta.url);
export const SOURCE_DIR = 'src/management/console/browser';
export const TARGET = 'src/management/console/console.script.ts';
/** The browser files in the order their top-level statements run; the entry last. */
export const FILES = [
  'dom.ts',
  'api.ts',
  'state.ts',
  'feedback.ts',
  'widgets.ts',
  'detail.ts',
  'consents.ts',
  'users.ts',
  'clients.ts',
  'console.browser.ts',
];

const HEADER = `// generated from ${SOURCE_DIR}/*.ts by scripts/build-console-script.js, do not edit.
// Run \`node scripts/build-console-script.js\` (or \`npm run build\`) after changing the sources.
`;

/**
 * Refuses what joining into one scope could not keep exact (`earlier`: the files joined before
 * this one); returns the file's top-level names.
 */
function checkSource({ name, text }, earlier, names) {
  const file = ts.createSourceFile(name, text, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
  const fail = (node, why) => {
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    throw new Error(`${SOURCE_DIR}/${name}:${line + 1}: ${why}`);
  };
  const declared = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const from = statement.moduleSpecifier.text;
      const match = /^\.\/([\w.-]+)\.js$/.exec(from);
      if (!match || !names.includes(`${match[1]}.ts`)) {
        fail(statement, `imports "${from}": the console may import only its own ./<file>.js`);
      }
      // Top-level code runs in FILES order: a name from a later file would not be set yet.
      if (!earlier.includes(`${match[1]}.ts`)) {
        fail(statement, `imports "${from}", which is joined after ${name}: reorder FILES`);
      }
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      if (!clause || clause.name || !bindings || !ts.isNamedImports(bindings)) {
        fail(statement, 'only named imports (import { a, b } from …) can be joined');
      }
      for (const element of bindings.elements) {
        if (element.propertyName) fail(element, 'a renamed import (as) cannot be joined');
      }
    } else if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      fail(statement, 'export declarations directly (export function …), not export { … }');
    } else if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
      const isDefault = (modifier) => modifier.kind === ts.SyntaxKind.DefaultKeyword;
      if (ts.getModifiers(statement)?.some(isDefault)) fail(statement, 'no default exports');
      if (statement.name) declared.push(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name)) fail(declaration, 'no top-level destructuring');
        declared.push(declaration.name.text);
      }
    } else if (ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) {
      fail(statement, 'no enums or namespaces (plain functions and types only)');
    }
  }
  return declared;
}

/** Drops import declarations and `export` modifiers from the emitted JavaScript. */
function unmodule(context) {
  const isExport = (modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword;
  return (file) => {
    const statements = [];
    for (const statement of file.statements) {
      if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) continue;
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      statements.push(
        modifiers?.some(isExport)
          ? context.factory.replaceModifiers(
              statement,
              modifiers.filter((modifier) => !isExport(modifier)),
            )
          : statement,
      );
    }
    return context.factory.updateSourceFile(file, statements);
  };
}

function transpile({ name, text }) {
  const { outputText, diagnostics = [] } = ts.transpileModule(text, {
    fileName: name,
    reportDiagnostics: true,
    transformers: { after: [unmodule] },
    compilerOptions: {
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.Preserve,
      moduleDetection: ts.ModuleDetectionKind.Force,
      isolatedModules: true,
      verbatimModuleSyntax: false,
      removeComments: true,
      newLine: ts.NewLineKind.LineFeed,
    },
  });
  if (diagnostics.length > 0) {
    const messages = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    throw new Error(`${SOURCE_DIR}/${name} does not transpile:\n${messages.join('\n')}`);
  }
  return outputText.trimEnd();
}

/**
 * The console script: the sources (`{ name, text }` in run order) transpiled and joined into one
 * strict IIFE, with no comments and no module syntax.
 */
export function transpileConsoleScript(sources = readSources()) {
  const names = sources.map((source) => source.name);
  const owner = new Map();
  for (const [index, source] of sources.entries()) {
    for (const declared of checkSource(source, names.slice(0, index), names)) {
      if (owner.has(declared)) {
        throw new Error(
          `"${declared}" is declared in both ${owner.get(declared)} and ${source.name}`,
        );
      }
      owner.set(declared, source.name);
    }
  }
  const code = sources.map(transpile).join('\n');
  // Belt and braces: the page inlines one self-contained classic script.
  if (/^\s*(import|export)\b/m.test(code)) {
    throw new Error(`${SOURCE_DIR}: module syntax left in the joined script`);
  }
  // Inside <script>…</script> these would end the element or change how it is parsed.
  if (/<\/script|<!--/i.test(code)) {
    throw new Error(`${SOURCE_DIR}: the script must not contain "</script" or "<!--"`);
  }
  const body = code
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  return `(function () {\n  'use strict';\n${body}\n})();\n`;
}

/** The text of the generated module, formatted by the repository's Prettier configuration. */
export async function buildConsoleScriptModule(sources = readSources()) {
  const script = transpileConsoleScript(sources);
  const text = `${HEADER}export const CONSOLE_SCRIPT = ${JSON.stringify(script)};\n`;
  const targetPath = fileURLToPath(new URL(TARGET, ROOT));
  const options = (await prettier.resolveConfig(targetPath)) ?? {};
  return prettier.format(text, { ...options, filepath: targetPath });
}

/** The browser sources in FILES order; a file of the folder missing from FILES is an error. */
export function readSources() {
  const dir = new URL(`${SOURCE_DIR}/`, ROOT);
  const present = readdirSync(dir).filter((name) => name.endsWith('.ts'));
  const unlisted = present.filter((name) => !FILES.includes(name));
  if (unlisted.length > 0) {
    throw new Error(
      `${SOURCE_DIR}: add ${unlisted.join(', ')} to FILES in ${fileURLToPath(import.meta.url)}`,
    );
  }
  return FILES.map((name) => ({ name, text: readFileSync(new URL(name, dir), 'utf8') }));
}

export function readTarget() {
  return readFileSync(new URL(TARGET, ROOT), 'utf8');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL(TARGET, ROOT), await buildConsoleScriptModule());
  console.log(`wrote ${TARGET}`);
}
