import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import bcrypt from 'bcrypt';
import {
  ClientStore,
  SentinelModule,
  type SentinelModuleOptions,
  type SentinelUser,
  type UserStore,
} from '../../src/index.js';
import { BACKENDS, callApi, passwordGrant, refreshGrant, startApp } from './module-testing.js';

interface Account {
  id: string;
  email: string;
  passwordHash: string;
  active: boolean;
}

/** The host app's own accounts service, with its own collection and hashing. */
@Injectable()
class AccountsService {
  private readonly accounts = new Map<string, Account>();
  private readonly dummy = bcrypt.hashSync('dummy', 4);

  add(email: string, password: string): Account {
    const account = {
      id: `acct-${this.accounts.size + 1}`,
      email,
      passwordHash: bcrypt.hashSync(password, 4),
      active: true,
    };
    this.accounts.set(account.id, account);
    return account;
  }
  byEmail(email: string): Account | undefined {
    return [...this.accounts.values()].find((account) => account.email === email);
  }
  byId(id: string): Account | undefined {
    return this.accounts.get(id);
  }
  async check(account: Account | undefined, password: string): Promise<boolean> {
    const matches = await bcrypt.compare(password, account?.passwordHash ?? this.dummy);
    return matches && account !== undefined;
  }
}

@Module({ providers: [AccountsService], exports: [AccountsService] })
class AccountsModule {}

/** The adapter a host writes: the UserStore port over its own accounts. */
class AccountsUserStore implements UserStore {
  constructor(private readonly accounts: AccountsService) {}

  async verifyCredentials(username: string, password: string): Promise<SentinelUser | null> {
    const account = this.accounts.byEmail(username);
    const ok = await this.accounts.check(account, password);
    return ok && account?.active ? toUser(account) : null;
  }

  async findById(id: string): Promise<SentinelUser | null> {
    const account = this.accounts.byId(id);
    return account?.active ? toUser(account) : null;
  }
}

function toUser(account: Account): SentinelUser {
  const at = new Date(0);
  return {
    id: account.id,
    username: account.email,
    scope: '',
    disabled: !account.active,
    createdAt: at,
    updatedAt: at,
  };
}

describe.each(BACKENDS)('bring your own users on %s', (_name, backend) => {
  let app: INestApplication;
  afterEach(async () => {
    await app?.close();
  });

  async function clientFor(target: INestApplication): Promise<string> {
    const { client } = await target.get<ClientStore>(ClientStore).create({
      clientName: 'App',
      clientType: 'public',
      grantTypes: ['password', 'refresh_token'],
      scope: 'orders',
    });
    return client.clientId;
  }

  it('authenticates against the host accounts service given through forRootAsync', async () => {
    app = await startApp([
      AccountsModule,
      SentinelModule.forRootAsync({
        imports: [AccountsModule],
        inject: [AccountsService],
        useFactory: (accounts: AccountsService): SentinelModuleOptions => ({
          ...backend('byo'),
          bcryptCost: 10,
          userStore: new AccountsUserStore(accounts),
        }),
      }),
    ]);
    const accounts = app.get(AccountsService);
    const account = accounts.add('bob@example.com', 's3cret-pass');
    const clientId = await clientFor(app);
    const seeded = {
      username: 'bob@example.com',
      password: 's3cret-pass',
      userId: account.id,
      clientId,
    };

    const issued = await passwordGrant(app, seeded).expect(200);
    const me = await callApi(app, issued.body.access_token).expect(200);
    expect(me.body.userId).toBe(account.id);

    const wrong = await passwordGrant(app, { ...seeded, password: 'nope' }).expect(400);
    expect(wrong.body.error).toBe('invalid_grant');

    // Deactivated in the host's own store: refreshing no longer works.
    account.active = false;
    const refused = await refreshGrant(app, clientId, issued.body.refresh_token).expect(400);
    expect(refused.body.error).toBe('invalid_grant');
  });

  it('accepts a user store class, instantiated by Nest', async () => {
    @Injectable()
    class FixedUserStore implements UserStore {
      async verifyCredentials(username: string, password: string) {
        return username === 'kiosk' && password === 'kiosk-pass' ? this.user() : null;
      }
      async findById(id: string) {
        return id === 'kiosk-1' ? this.user() : null;
      }
      private user(): SentinelUser {
        return toUser({ id: 'kiosk-1', email: 'kiosk', passwordHash: '', active: true });
      }
    }
    app = await startApp([
      SentinelModule.forRoot({
        ...backend('byo-class'),
        bcryptCost: 10,
        userStore: FixedUserStore,
      }),
    ]);
    const clientId = await clientFor(app);
    const issued = await passwordGrant(app, {
      username: 'kiosk',
      password: 'kiosk-pass',
      userId: 'kiosk-1',
      clientId,
    }).expect(200);
    expect((await callApi(app, issued.body.access_token).expect(200)).body.userId).toBe('kiosk-1');
  });
});

describe('userStore option validation', () => {
  it('names the field when the object lacks the port methods', async () => {
    await expect(startApp([SentinelModule.forRoot({ userStore: {} as never })])).rejects.toThrow(
      /"userStore"/,
    );
  });
});
