import { Command, CommanderError } from 'commander';
import { clientsCommand } from './clients.command.js';
import { ENV } from './connection.js';
import { CliError, ExitCode } from './exit-codes.js';
import { ApiRefusedError } from './management-client.js';
import { processStreams, refusal, type Streams } from './output.js';
import { tokensCommand } from './tokens.command.js';
import { usersCommand } from './users.command.js';

/** The `nestjs-sentinel` command tree (README "Provisioning CLI"). */
export function buildProgram(version: string): Command {
  const program = new Command('nestjs-sentinel')
    .description(
      "provision users, clients and tokens through a nestjs-sentinel server's management API",
    )
    .version(version)
    .option(
      '--endpoint <url>',
      `management API base URL, e.g. http://127.0.0.1:3000/oauth/management (env ${ENV.endpoint})`,
    )
    .option('--admin-user <name>', `management username (env ${ENV.username})`)
    .option(
      '--admin-password <password>',
      `management password (env ${ENV.password}, which keeps it out of the process list)`,
    )
    .option('--json', "print the API's JSON instead of a table (for scripts)")
    .addCommand(usersCommand())
    .addCommand(clientsCommand())
    .addCommand(tokensCommand())
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 the API refused (its error is printed as given), 2 usage error,\n' +
        '3 cannot reach the server, 4 an answer that is not the management API.',
    );
  forEachCommand(program, (command) => command.exitOverride());
  return program;
}

function forEachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const child of command.commands) forEachCommand(child, visit);
}

/**
 * Runs the command line `argv` (as `process.argv`) and resolves to its exit code; never
 * rejects. Errors go to `streams.err`: the API's as it gave them, ours as one line.
 */
export async function run(
  argv: readonly string[],
  version: string,
  streams: Streams = processStreams,
): Promise<ExitCode> {
  const program = buildProgram(version);
  const asJson = argv.includes('--json');
  try {
    await program.parseAsync([...argv]);
    return ExitCode.Ok;
  } catch (error) {
    // Commander has already printed its own message (or the help) to stderr.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    if (error instanceof ApiRefusedError) {
      streams.err(refusal(error, asJson));
      return error.code;
    }
    if (error instanceof CliError) {
      streams.err(`nestjs-sentinel: ${error.message}\n`);
      return error.code;
    }
    streams.err(`nestjs-sentinel: unexpected failure: ${String(error)}\n`);
    return ExitCode.BadResponse;
  }
}
