import { resolveSentinelOptions } from '../../../src/options/resolve-options.js';
import type { SampleConfig } from '../sample-config.js';

/** Where the demo client page finds the authorization server and the protected route. */
export interface DemoPaths {
  /** The RFC 8414 metadata document: the page discovers the endpoints and the issuer there. */
  metadataPath: string;
  /** The protected route the page calls with the access token. */
  resourcePath: string;
}

/** The path of the demo's callback: its redirect URI on whichever loopback host serves it. */
export const DEMO_CALLBACK_PATH = '/demo/callback';

/**
 * The browser demo client (a public client with PKCE, RFC 7636): its paths, and its client id
 * and scope once {@link seedDemoData} has created it.
 */
export class DemoClient {
  clientId?: string;
  scope = '';

  constructor(readonly paths: DemoPaths) {}
}

/**
 * The demo's paths, or `undefined` when the sample app offers no demo: it needs the in-memory
 * default (where the demo data is seeded), the token endpoint and the metadata document.
 */
export function demoPathsOf(config: SampleConfig): DemoPaths | undefined {
  if (!config.inMemory || config.sentinel.tokenPath === false) return undefined;
  const { metadataPath, authorizePath } = resolveSentinelOptions(config.sentinel);
  if (metadataPath === false || authorizePath === false) return undefined;
  return { metadataPath, resourcePath: '/orders' };
}
