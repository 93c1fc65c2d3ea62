import { makeServiceDir, startFerretDb, startRedis } from './test-services.js';
/**
 * Jest global setup: uses MONGO_URL / REDIS_URL when set, otherwise starts FerretDB and
 * redis-server on free loopback ports. A missing binary fails the run with an install hint.
 */
export default async function globalSetup() {
  const state = { services: [], dirs: [] };
  globalThis.__SENTINEL_HARNESS__ = state;
  const lines = [];
  if (process.env.MONGO_URL) {
    lines.push(`MongoDB: ${redact(process.env.MONGO_URL)} (from MONGO_URL)`);
  } else {
    const dir = makeServiceDir('sentinel-ferretdb-');
    state.dirs.push(dir);
    const ferret = await startFerretDb(dir.path);
    state.services.push(ferret);
    process.env.MONGO_URL = ferret.url;
    lines.push(`MongoDB: ${ferret.description}`);
  }
  if (process.env.REDIS_URL) {
    lines.push(`Redis:   ${redact(process.env.REDIS_URL)} (from REDIS_URL)`);
  } else {
    const dir = makeServiceDir('sentinel-redis-');
    state.dirs.push(dir);
    const redis = await startRedis(dir.path);
    state.services.push(redis);
    process.env.REDIS_URL = redis.url;
    lines.push(`Redis:   ${redis.description}`);
  }
  console.log(`\n[test backends]\n  ${lines.join('\n  ')}\n`);
}
function redact(url) {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
