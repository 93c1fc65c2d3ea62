import { startRoundRobinProxy } from '../../test/harness/round-robin-proxy.js';
import { READY, readConfig, type ProxyServerConfig } from '../lib/config.js';

/**
 * The load balancer of scenario 6 as its own process (so it never shares an event loop with the
 * load generator): one round-robin proxy per listener, e.g. one in front of three instances and
 * one in front of a single instance, the same code for both.
 */
async function main(): Promise<void> {
  const config = readConfig<ProxyServerConfig>('proxy');
  const proxies = await Promise.all(
    config.listeners.map(({ port, targets }) =>
      startRoundRobinProxy(targets, port, (error, reused) => {
        // The error's code only, never a request's headers (STYLE.md: no token, no Authorization).
        const code = (error as NodeJS.ErrnoException).code ?? error.message;
        console.error(`upstream ${port}→${targets.join(',')}: ${code} (reused: ${reused})`);
      }),
    ),
  );
  process.once('SIGTERM', () => {
    void Promise.all(proxies.map((proxy) => proxy.close())).then(() => process.exit(0));
  });
  console.log(`${READY} ${JSON.stringify({ ports: proxies.map((proxy) => proxy.port) })}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
