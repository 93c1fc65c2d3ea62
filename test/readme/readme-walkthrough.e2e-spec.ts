import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { bootstrap } from '../../sample-app/src/main.js';
import { codeBlocks, expectedOutput, firstMissing, readme } from './readme.js';

/**
 * The README's curl walkthrough, run as a newcomer pastes it: the `export` line the sample app
 * prints, then every `<!-- walkthrough -->` block in order, in bash with curl and jq. Each
 * output the README shows under a command must appear, in order.
 */
describe('README walkthrough', () => {
  let app: INestApplication;
  let exportLine: string;
  const blocks = codeBlocks(readme()).filter((block) => block.marker === 'walkthrough');

  beforeAll(async () => {
    const lines: string[] = [];
    ({ app } = await bootstrap({ PORT: '0' }, (line: string) => lines.push(line)));
    exportLine = lines.find((line) => line.trim().startsWith('export BASE='))!.trim();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('has the walkthrough blocks, each promising some output', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) expect(expectedOutput(block.code).length).toBeGreaterThan(2);
  });

  it('runs as pasted and prints what the README says', async () => {
    const script = ['set -euo pipefail', exportLine, ...blocks.map((block) => block.code)].join(
      '\n',
    );
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 60_000 });
    const actual = stdout.split('\n').map((line) => line.replace(/\r$/, ''));
    const expected = blocks.flatMap((block) => expectedOutput(block.code));
    expect({ missing: firstMissing(actual, expected), stdout }).toEqual({
      missing: undefined,
      stdout,
    });
  });
});
