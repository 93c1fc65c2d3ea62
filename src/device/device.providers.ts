import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Clock } from '../clock.js';
import { expiringStore } from '../interaction/interaction.providers.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS, SENTINEL_REDIS } from '../sentinel.constants.js';
import { DeviceCodeStore } from './device-code.store.js';

import { DEVICE_CODES } from './device.tokens.js';

export { DEVICE_CODES };

/**
 * The device flow's providers (RFC 8628), mounted when `deviceAuthorizationPath` is not
 * `false`: the device-code store on Redis (keys `${keyPrefix}device:…`) or memory.
 */
export const DEVICE_PROVIDERS: Provider[] = [
  {
    provide: DEVICE_CODES,
    useFactory: (options: ResolvedSentinelOptions, redis: Redis | null, clock: Clock) =>
      new DeviceCodeStore(expiringStore(options, redis, clock, 'device')),
    inject: [SENTINEL_OPTIONS, SENTINEL_REDIS, Clock],
  },
];
