import type { Type } from '@nestjs/common';
import type { ResolvedSentinelOptions } from '../sentinel-options.js';

/**
 * Controllers of the protocol endpoints beside the token endpoint (revocation, introspection,
 * server metadata), mounted at the paths the options give.
 */
export function createProtocolControllers(_options: ResolvedSentinelOptions): Type[] {
  return [];
}
