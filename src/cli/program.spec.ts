import { describe, expect, it } from '@jest/globals';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from './program.js';

/** `group command` for every leaf command of the tree, e.g. `clients rotate-secret`. */
function leafCommands(command: Command, parents: string[] = []): string[] {
  if (command.commands.length === 0) return [parents.join(' ')];
  return command.commands.flatMap((child) => leafCommands(child, [...parents, child.name()]));
}

describe('the nestjs-sentinel command tree', () => {
  const commands = leafCommands(buildProgram('0.0.0'), []);

  it('has the resource commands of the management API', () => {
    expect(commands.sort()).toEqual(
      [
        'clients create',
        'clients delete',
        'clients get',
        'clients list',
        'clients rotate-secret',
        'clients update',
        'tokens list',
        'tokens revoke',
        'users create',
        'users delete',
        'users get',
        'users list',
        'users update',
      ].sort(),
    );
  });

  it('is documented command by command in the README', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Provisioning CLI'));
    const undocumented = commands.filter((name) => !section.includes(`\`${name}`));
    expect(undocumented).toEqual([]);
  });
});
