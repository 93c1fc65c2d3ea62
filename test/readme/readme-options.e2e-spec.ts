import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readme } from './readme.js';

/** The fields of `SentinelModuleOptions`, read from whichever source file declares it. */
function optionFields(): string[] {
  const files = (readdirSync(join(process.cwd(), 'src'), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .map((file) => readFileSync(join(process.cwd(), 'src', file), 'utf8'));
  const source = files.find((text) => text.includes('export interface SentinelModuleOptions'))!;
  const body = source.slice(source.indexOf('export interface SentinelModuleOptions'));
  const block = body.slice(0, body.indexOf('\n}'));
  return [...block.matchAll(/^ {2}(\w+)\?:/gm)].map((match) => match[1]);
}

/** The option names of each row of the README's options table (first cell, in backticks). */
function tableRows(): string[][] {
  const text = readme();
  const start = text.indexOf('| option | default |');
  const table = text.slice(start, text.indexOf('\n\n', start)).split('\n').slice(2);
  return table.map((row) => [...row.split('|')[1].matchAll(/`([\w.]+)`/g)].map((m) => m[1]));
}

/** The options table names every option once, and a group either whole or by its fields. */
describe('README options table', () => {
  const names = tableRows().flat();
  const fields = optionFields();

  it('reads the table and the options interface', () => {
    expect(fields).toEqual(expect.arrayContaining(['routePrefix', 'localCache', 'userStore']));
    expect(names.length).toBeGreaterThanOrEqual(fields.length);
  });

  it('lists every option of SentinelModuleOptions, and nothing else', () => {
    const topLevel = [...new Set(names.map((name) => name.split('.')[0]))];
    expect(topLevel.sort()).toEqual([...fields].sort());
  });

  it('names no option twice, nor a group beside its own fields', () => {
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    const grouped = names.filter((name) => names.some((other) => other.startsWith(`${name}.`)));
    expect(grouped).toEqual([]);
  });
});
