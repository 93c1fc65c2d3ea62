import { Command } from 'commander';
import { contextOf } from './command-context.js';
import { usageError } from './exit-codes.js';
import { ManagementClient } from './management-client.js';
import { json, page } from './output.js';

const COLUMNS = ['id', 'client_id', 'user_id', 'scope', 'expires_at', 'revoked'];

/** `tokens list|revoke`: `{mgmt}/tokens` (README "Tokens"). Shows metadata, never a token. */
export function tokensCommand(): Command {
  const tokens = new Command('tokens').description('list and revoke issued tokens');

  tokens
    .command('list')
    .description('list issued tokens (metadata only), one page at a time')
    .option('--user-id <id>', 'only the tokens of this user')
    .option('--client-id <id>', 'only the tokens of this client')
    .option('--page <n>', 'page number, from 1')
    .option('--per-page <n>', 'tokens per page, 1 to 100')
    .action(async (options, command: Command) => {
      const context = contextOf(command);
      const body = await context.api.get('/tokens', {
        user_id: options.userId,
        client_id: options.clientId,
        page: options.page,
        per_page: options.perPage,
      });
      context.streams.out(context.asJson ? json(body) : page(body, COLUMNS));
    });

  tokens
    .command('revoke [id]')
    .description('revoke one token by id, or every live token of --user-id or --client-id')
    .option('--user-id <id>', 'revoke every live token of this user')
    .option('--client-id <id>', 'revoke every live token of this client')
    .action(async (id: string | undefined, options, command: Command) => {
      const context = contextOf(command);
      const given = [id, options.userId, options.clientId].filter((v) => v !== undefined);
      if (given.length !== 1) {
        throw usageError('give exactly one of: a token id, --user-id, --client-id');
      }
      if (id !== undefined) {
        await context.api.delete(ManagementClient.path('tokens', id));
        context.printDone(`revoked token ${id}`);
        return;
      }
      const body = (await context.api.delete('/tokens', {
        user_id: options.userId,
        client_id: options.clientId,
      })) as { revoked: number };
      if (context.asJson) context.streams.out(json(body));
      else context.streams.out(`revoked ${body.revoked} token(s)\n`);
    });

  return tokens;
}
