import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { SentinelCache } from './cache/cache.factory.js';
import { managementWarning } from './management/management-mount.js';
import type { ResolvedSentinelOptions } from './options/resolved-options.js';
import { SENTINEL_CACHE, SENTINEL_OPTIONS, SENTINEL_STORAGE } from './sentinel.constants.js';
import type { SentinelStorage } from './storage/storage.factory.js';

/**
 * Says loudly when development stores are in use, and closes what the module opened. Storage is
 * absent in resource-server mode.
 */
@Injectable()
export class SentinelLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sentinel');

  constructor(
    @Optional() @Inject(SENTINEL_STORAGE) private readonly storage: SentinelStorage | null,
    @Inject(SENTINEL_CACHE) private readonly cache: SentinelCache,
    @Optional() @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions | null,
  ) {}

  onApplicationBootstrap(): void {
    const inMemory = [
      this.storage?.kind === 'memory' ? 'users, clients and tokens (no `mongo` option)' : undefined,
      this.cache.kind === 'memory' ? 'the token cache (no `redis` option)' : undefined,
    ].filter(Boolean);
    if (inMemory.length > 0) {
      this.logger.warn(
        `DEVELOPMENT ONLY: ${inMemory.join(' and ')} live in this process's memory. ` +
          'They vanish on restart and are not shared between instances. ' +
          'Configure `mongo` and `redis` for production.',
      );
    }
    const management = this.options ? managementWarning(this.options) : undefined;
    if (management) this.logger.warn(management);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.cache.close(), this.storage?.close()]);
  }
}
