// After `tsc -p tsconfig.build.json` (the CommonJS build in dist/cjs), writes the ES module
// entry: a re-export of that one build, so an app that both imports and requires the package
// still gets one copy of every class and DI token (docs/adr/0010-dual-build.md).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

const header =
  '// ES module entry of nestjs-sentinel: the CommonJS build, re-exported (ADR 0010).\n';
rmSync('dist/esm', { recursive: true, force: true });
mkdirSync('dist/esm', { recursive: true });
writeFileSync('dist/cjs/package.json', JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');
writeFileSync('dist/esm/index.js', `${header}export * from '../cjs/index.js';\n`);
writeFileSync('dist/esm/index.d.ts', `${header}export * from '../cjs/index.js';\n`);
