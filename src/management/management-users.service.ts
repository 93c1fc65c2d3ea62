import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { ConsentStore } from '../storage/consent-store.js';
import { UserRepository } from '../storage/user-store.js';
import { TokenRevocationService } from '../revocation/token-revocation.service.js';
import type { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto.js';
import { pageOf } from './dto/pagination.dto.js';
import { ManagementException } from './management.errors.js';
import {
  normalizeScope,
  pageView,
  userView,
  type PageView,
  type UserView,
} from './management.presenters.js';

/**
 * Users of the built-in store. Changing a password, disabling or deleting a user revokes the
 * user's tokens in the store and the cache, so the guard rejects them at once (docs/security.md 9).
 * When the host brings its own users (`userStore` option) every call answers 404
 * `users_not_managed`: those users live in the host's system, not here.
 */
@Injectable()
export class ManagementUsersService {
  constructor(
    @Inject(UserRepository) private readonly users: UserRepository,
    @Inject(ConsentStore) private readonly consents: ConsentStore,
    private readonly revocation: TokenRevocationService,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  async create(dto: CreateUserDto): Promise<UserView> {
    this.assertManaged();
    const user = await this.users.create({
      username: dto.username,
      password: dto.password,
      scope: normalizeScope(dto.scope ?? ''),
      disabled: dto.disabled ?? false,
    });
    return userView(user);
  }

  async list(query: ListUsersQueryDto): Promise<PageView<UserView>> {
    this.assertManaged();
    const page = await this.users.list({ ...pageOf(query), username: query.username });
    return pageView(page, userView);
  }

  async get(id: string): Promise<UserView> {
    this.assertManaged();
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    return userView(user);
  }

  /** The change is stored first, so no new token can be issued on the old terms meanwhile. */
  async update(id: string, dto: UpdateUserDto): Promise<UserView> {
    this.assertManaged();
    const user = await this.users.update(id, {
      password: dto.password,
      scope: dto.scope === undefined ? undefined : normalizeScope(dto.scope),
      disabled: dto.disabled,
    });
    if (!user) throw notFound();
    if (dto.password !== undefined || dto.disabled === true) {
      await this.revocation.revokeByUser(user.id);
    }
    return userView(user);
  }

  /**
   * Revokes, deletes, then revokes again: a failed revocation leaves the user in place so the
   * call can be retried, and the second pass catches a token issued in between. The user's
   * consents go before the user does, so a failure there can be retried too (ADR 0019).
   */
  async delete(id: string): Promise<void> {
    this.assertManaged();
    const user = await this.users.findById(id);
    if (!user) throw notFound();
    await this.revocation.revokeByUser(user.id);
    await this.consents.revokeAllOfUser(user.id);
    if (!(await this.users.delete(user.id))) throw notFound();
    await this.revocation.revokeByUser(user.id);
  }

  private assertManaged(): void {
    if (this.options.userStore !== undefined) throw ManagementException.usersNotManaged();
  }
}

function notFound(): ManagementException {
  return ManagementException.notFound('No user with this id');
}
