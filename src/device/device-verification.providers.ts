import type { Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Clock } from '../clock.js';
import { expiringStore } from '../interaction/interaction.providers.js';
import { PendingRequestStore } from '../interaction/pending-request-store.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS, SENTINEL_REDIS } from '../sentinel.constants.js';
import { DeviceApprovalSteps } from './device-approval.steps.js';
import { isPendingDeviceApproval, PENDING_DEVICE_APPROVALS } from './pending-device-approval.js';
import { UserCodeThrottle } from './user-code-throttle.js';

/**
 * The device verification page's providers (RFC 8628 §3.3), beside `DEVICE_PROVIDERS` and the
 * interaction layer's when `deviceAuthorizationPath` is not `false`: parked approvals (keys
 * `${keyPrefix}device-approval:<digest>`, for `interaction.requestTtl`), the steps and the
 * user-code throttle (ADR 0023).
 */
export const DEVICE_VERIFICATION_PROVIDERS: Provider[] = [
  {
    provide: PENDING_DEVICE_APPROVALS,
    useFactory: (options: ResolvedSentinelOptions, redis: Redis | null, clock: Clock) =>
      new PendingRequestStore(
        expiringStore(options, redis, clock, 'device-approval'),
        options.interaction.requestTtl,
        isPendingDeviceApproval,
      ),
    inject: [SENTINEL_OPTIONS, SENTINEL_REDIS, Clock],
  },
  DeviceApprovalSteps,
  UserCodeThrottle,
];
