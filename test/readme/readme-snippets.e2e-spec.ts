import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { HOST_APP_FILES } from './host-app-stubs.js';
import { codeBlocks, readme } from './readme.js';

const REPO = process.cwd();

/**
 * Every TypeScript snippet of the README compiles as written (issue 16): each one is a module of
 * its own, `nestjs-sentinel` resolves to this repository's `src/index.ts`, and only the host
 * app's own files and two uninstalled packages are stubbed (host-app-stubs.ts).
 */
describe('README TypeScript snippets', () => {
  const dir = join(REPO, 'node_modules/.cache', `sentinel-readme-${process.pid}-${Date.now()}`);
  const snippets = codeBlocks(readme()).filter((block) => block.lang === 'ts');

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(9);
  });

  it('type-checks every one with the project compiler options', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    for (const [name, text] of Object.entries(HOST_APP_FILES)) writeFileSync(join(dir, name), text);
    const files = snippets.map((snippet) => {
      const file = join(dir, `readme-line-${snippet.line}.ts`);
      // `export {}` keeps a snippet without imports a module, not a script sharing globals.
      writeFileSync(file, `${snippet.code}\nexport {};\n`);
      return file;
    });
    const { config } = ts.readConfigFile(join(REPO, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config, ts.sys, REPO);
    const program = ts.createProgram([...files, join(dir, 'packages.d.ts')], {
      ...options,
      noEmit: true,
      paths: { 'nestjs-sentinel': [join(REPO, 'src/index.ts')] },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName.startsWith(dir))
      .map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        const at = /readme-line-(\d+)/.exec(d.file!.fileName);
        const where = at ? `README.md:${Number(at[1]) + line}` : d.file!.fileName;
        return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(problems).toEqual([]);
  });
});
