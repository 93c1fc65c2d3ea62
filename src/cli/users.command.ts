import { Command } from 'commander';
import { contextOf, passwordOption } from './command-context.js';
import { usageError } from './exit-codes.js';
import { ManagementClient } from './management-client.js';
import { json, page } from './output.js';

const COLUMNS = ['id', 'username', 'scope', 'disabled', 'created_at'];

/** `users create|list|get|update|delete`: `{mgmt}/users` (README "Users"). */
export function usersCommand(): Command {
  const users = new Command('users').description('manage the users of the password grant');

  users
    .command('create')
    .description('create a user (the password is hashed by the server and never shown)')
    .requiredOption('--username <name>', 'the username')
    .option('--password <password>', 'the password (prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--scope <scope>', 'scopes the user may be granted, space-separated')
    .option('--disabled', 'create the user disabled')
    .action(async (options, command: Command) => {
      const context = contextOf(command);
      const password = await passwordOption(options);
      if (password === undefined) throw usageError('give --password-stdin or --password');
      const body = await context.api.post('/users', {
        username: options.username,
        password,
        ...(options.scope !== undefined && { scope: options.scope }),
        ...(options.disabled && { disabled: true }),
      });
      context.printRecord(body);
    });

  users
    .command('list')
    .description('list users, one page at a time')
    .option('--username <name>', 'only this exact username')
    .option('--page <n>', 'page number, from 1')
    .option('--per-page <n>', 'users per page, 1 to 100')
    .action(async (options, command: Command) => {
      const context = contextOf(command);
      const body = await context.api.get('/users', {
        username: options.username,
        page: options.page,
        per_page: options.perPage,
      });
      context.streams.out(context.asJson ? json(body) : page(body, COLUMNS));
    });

  users
    .command('get <id>')
    .description('show one user')
    .action(async (id: string, _options, command: Command) => {
      const context = contextOf(command);
      context.printRecord(await context.api.get(ManagementClient.path('users', id)));
    });

  users
    .command('update <id>')
    .description(
      'change a password, scope or disabled flag (a new password or --disable revokes the tokens)',
    )
    .option('--password <password>', 'a new password (prefer --password-stdin)')
    .option('--password-stdin', 'read the new password from standard input')
    .option('--scope <scope>', 'new scopes, space-separated ("" for none)')
    .option('--disable', 'disable the user')
    .option('--enable', 'enable the user')
    .action(async (id: string, options, command: Command) => {
      const context = contextOf(command);
      if (options.disable && options.enable)
        throw usageError('give --disable or --enable, not both');
      const password = await passwordOption(options);
      const change = {
        ...(password !== undefined && { password }),
        ...(options.scope !== undefined && { scope: options.scope }),
        ...(options.disable && { disabled: true }),
        ...(options.enable && { disabled: false }),
      };
      if (Object.keys(change).length === 0) {
        throw usageError('nothing to update: give --password, --scope, --disable or --enable');
      }
      context.printRecord(await context.api.patch(ManagementClient.path('users', id), change));
    });

  users
    .command('delete <id>')
    .description('delete a user and revoke its tokens')
    .action(async (id: string, _options, command: Command) => {
      const context = contextOf(command);
      await context.api.delete(ManagementClient.path('users', id));
      context.printDone(`deleted user ${id}`);
    });

  return users;
}
