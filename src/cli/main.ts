#!/usr/bin/env node
// The `nestjs-sentinel` bin (package.json `bin`), run from the CommonJS build dist/cjs/cli/main.js.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run } from './program.js';

/** This package's version, read from the package.json three levels above dist/cjs/cli/. */
function packageVersion(): string {
  try {
    const file = join(dirname(realpathSync(process.argv[1])), '../../../package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

void run(process.argv, packageVersion()).then((code) => {
  process.exitCode = code;
});
