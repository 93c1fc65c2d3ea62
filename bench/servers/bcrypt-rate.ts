import bcrypt from 'bcrypt';
import { READY, readConfig, type BcryptRateConfig } from '../lib/config.js';

/**
 * The bcrypt-bound limit of the password grant (scenario 3): `bcrypt.compare` of a correct
 * password against a hash of the same cost, `concurrency` at a time (as many as the load
 * generator's connections), pinned to the server's core by the orchestrator. Prints
 * `BENCH-READY {"compares": n, "seconds": s}` when done.
 */
async function main(): Promise<void> {
  const config = readConfig<BcryptRateConfig>('bcrypt');
  const password = 'correct horse battery staple';
  const hash = await bcrypt.hash(password, config.cost);
  const started = process.hrtime.bigint();
  const deadline = Date.now() + config.durationMs;
  let compares = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      if (!(await bcrypt.compare(password, hash))) throw new Error('bcrypt.compare failed');
      compares += 1;
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${READY} ${JSON.stringify({ compares, seconds })}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
