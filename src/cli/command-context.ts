import type { Command } from 'commander';
import { resolveConnection, type ConnectionOptions } from './connection.js';
import { usageError } from './exit-codes.js';
import { ManagementClient } from './management-client.js';
import { json, processStreams, record, type Streams } from './output.js';

/** What every resource command needs: the API, the output mode and where to write. */
export interface CommandContext {
  api: ManagementClient;
  asJson: boolean;
  streams: Streams;
  /** Prints one record: the API's JSON with `--json`, `key  value` lines otherwise. */
  printRecord(body: unknown): void;
  /** Prints a human line (`deleted user …`); nothing with `--json`, where 204 has no body. */
  printDone(line: string): void;
}

/** The context of the command being run, from the global options (flags, then environment). */
export function contextOf(command: Command, streams: Streams = processStreams): CommandContext {
  const options = command.optsWithGlobals<ConnectionOptions & { json?: boolean }>();
  const asJson = options.json === true;
  return {
    api: new ManagementClient(resolveConnection(options)),
    asJson,
    streams,
    printRecord: (body) =>
      streams.out(asJson ? json(body) : record(body as Record<string, unknown>)),
    printDone: (line) => {
      if (!asJson) streams.out(`${line}\n`);
    },
  };
}

/** A password from `--password` or, better (no trace in the shell history), `--password-stdin`. */
export async function passwordOption(options: {
  password?: string;
  passwordStdin?: boolean;
}): Promise<string | undefined> {
  if (options.password !== undefined && options.passwordStdin) {
    throw usageError('give --password or --password-stdin, not both');
  }
  if (!options.passwordStdin) return options.password;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  // One trailing newline is what `echo` and here-strings add; it is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `a,b c` → `['a', 'b', 'c']`: grant types as a comma- or space-separated list. */
export function listOption(value: string): string[] {
  return value.split(/[\s,]+/).filter((item) => item.length > 0);
}
