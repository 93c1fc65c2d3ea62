import { Inject, Injectable } from '@nestjs/common';
import { TokenRevocationService } from '../revocation/token-revocation.service.js';
import { ClientStore } from '../storage/client-store.js';
import { ConsentStore } from '../storage/consent-store.js';
import { UserStore } from '../storage/user-store.js';
import { pageOf, type PageQueryDto } from './dto/pagination.dto.js';
import { ManagementException } from './management.errors.js';
import { consentView, pageView, type ConsentView, type PageView } from './management.presenters.js';

/**
 * Remembered consents of a user (docs/security.md 30, ADR 0019): listed, and withdrawn. A
 * withdrawal also revokes the user's tokens of that client, through
 * {@link TokenRevocationService} so the cache learns of it at once (docs/security.md 9): what the
 * user agreed to is over, and so is what it gave the client. Users are looked up through the
 * `UserStore` port, so the consents of a host's own users can be managed too.
 */
@Injectable()
export class ManagementConsentsService {
  constructor(
    @Inject(ConsentStore) private readonly consents: ConsentStore,
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(ClientStore) private readonly clients: ClientStore,
    private readonly revocation: TokenRevocationService,
  ) {}

  /** Newest change first, each with the client's name (`null` once the client is gone). */
  async list(userId: string, query: PageQueryDto): Promise<PageView<ConsentView>> {
    const page = pageOf(query);
    if (!(await this.users.findById(userId))) {
      throw ManagementException.notFound('No user with this id');
    }
    const consents = await this.consents.listByUser(userId, page);
    const names = new Map(
      await Promise.all(
        consents.items.map(
          async ({ clientId }) =>
            [clientId, (await this.clients.findById(clientId))?.clientName ?? null] as const,
        ),
      ),
    );
    return pageView(consents, (consent) =>
      consentView(consent, names.get(consent.clientId) ?? null),
    );
  }

  /**
   * Revokes the tokens, withdraws the consent, then revokes again: a failed revocation (503)
   * leaves the consent in place so the call can be retried, and the second pass catches a token
   * issued in between.
   */
  async withdraw(userId: string, clientId: string): Promise<void> {
    if (!(await this.consents.find(userId, clientId))) {
      throw ManagementException.notFound('This user has no consent for this client');
    }
    await this.revocation.revokeByUserAndClient(userId, clientId);
    if (!(await this.consents.revoke(userId, clientId))) {
      throw ManagementException.notFound('This user has no consent for this client');
    }
    await this.revocation.revokeByUserAndClient(userId, clientId);
  }
}
