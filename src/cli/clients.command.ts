import { Command, Option } from 'commander';
import { contextOf, listOption, type CommandContext } from './command-context.js';
import { usageError } from './exit-codes.js';
import { ManagementClient } from './management-client.js';
import { json, page } from './output.js';

const COLUMNS = ['client_id', 'client_name', 'client_type', 'grant_types', 'scope'];

/** Prints a client; a `client_secret` in it is the one the API shows once, so a person is told. */
function printClient(context: CommandContext, body: unknown): void {
  context.printRecord(body);
  if (!context.asJson && (body as { client_secret?: unknown }).client_secret !== undefined) {
    context.streams.err('nestjs-sentinel: client_secret is shown this once: store it now.\n');
  }
}

/** `clients create|list|get|update|rotate-secret|delete`: `{mgmt}/clients` (README "Clients"). */
export function clientsCommand(): Command {
  const clients = new Command('clients').description('manage OAuth clients (RFC 7591 field names)');

  clients
    .command('create')
    .description('register a client; a confidential one gets its secret, shown this once')
    .requiredOption('--name <name>', 'client_name, shown to people')
    .addOption(
      new Option('--type <type>', 'client_type')
        .choices(['public', 'confidential'])
        .makeOptionMandatory(),
    )
    .option(
      '--grant-types <list>',
      'grant_types, comma-separated (default password,refresh_token)',
      listOption,
    )
    .option('--scope <scope>', 'scopes the client may request, space-separated')
    .option('--first-party', "the host's own app: its users are not asked for consent")
    .action(async (options, command: Command) => {
      const context = contextOf(command);
      const body = await context.api.post('/clients', {
        client_name: options.name,
        client_type: options.type,
        ...(options.grantTypes !== undefined && { grant_types: options.grantTypes }),
        ...(options.scope !== undefined && { scope: options.scope }),
        ...(options.firstParty === true && { first_party: true }),
      });
      printClient(context, body);
    });

  clients
    .command('list')
    .description('list clients, one page at a time')
    .option('--page <n>', 'page number, from 1')
    .option('--per-page <n>', 'clients per page, 1 to 100')
    .action(async (options, command: Command) => {
      const context = contextOf(command);
      const body = await context.api.get('/clients', {
        page: options.page,
        per_page: options.perPage,
      });
      context.streams.out(context.asJson ? json(body) : page(body, COLUMNS));
    });

  clients
    .command('get <client_id>')
    .description('show one client (never its secret)')
    .action(async (clientId: string, _options, command: Command) => {
      const context = contextOf(command);
      context.printRecord(await context.api.get(ManagementClient.path('clients', clientId)));
    });

  clients
    .command('update <client_id>')
    .description(
      "change a client's name, grant types, scope or first-party flag (its type cannot change)",
    )
    .option('--name <name>', 'new client_name')
    .option('--grant-types <list>', 'new grant_types, comma-separated', listOption)
    .option('--scope <scope>', 'new scopes, space-separated ("" for none)')
    .option('--first-party', 'skip the consent page for this client')
    .option('--no-first-party', 'ask its users for consent again')
    .action(async (clientId: string, options, command: Command) => {
      const context = contextOf(command);
      const change = {
        ...(options.name !== undefined && { client_name: options.name }),
        ...(options.grantTypes !== undefined && { grant_types: options.grantTypes }),
        ...(options.scope !== undefined && { scope: options.scope }),
        ...(options.firstParty !== undefined && { first_party: options.firstParty as boolean }),
      };
      if (Object.keys(change).length === 0) {
        throw usageError(
          'nothing to update: give --name, --grant-types, --scope or --[no-]first-party',
        );
      }
      context.printRecord(
        await context.api.patch(ManagementClient.path('clients', clientId), change),
      );
    });

  clients
    .command('rotate-secret <client_id>')
    .description(
      'give a confidential client a new secret, shown this once; the old one stops working',
    )
    .action(async (clientId: string, _options, command: Command) => {
      const context = contextOf(command);
      printClient(
        context,
        await context.api.post(ManagementClient.path('clients', clientId, 'secret'), {}),
      );
    });

  clients
    .command('delete <client_id>')
    .description('delete a client and revoke its tokens')
    .action(async (clientId: string, _options, command: Command) => {
      const context = contextOf(command);
      await context.api.delete(ManagementClient.path('clients', clientId));
      context.printDone(`deleted client ${clientId}`);
    });

  return clients;
}
