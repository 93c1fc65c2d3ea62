import { afterAll, describe, expect, it } from '@jest/globals';
import { dropAndClose, openTestConnection, openTestRedis } from './backends.js';

describe('test harness', () => {
  const redis = openTestRedis();
  afterAll(async () => {
    await redis.quit();
  });

  it('reaches the real MongoDB-compatible server', async () => {
    const connection = await openTestConnection('harness');
    const info = await connection.db!.admin().command({ buildInfo: 1 });
    expect(typeof info.version).toBe('string');
    await dropAndClose(connection);
  });

  it('reaches the real Redis server', async () => {
    await redis.set('harness:probe', 'ok', 'EX', 5);
    expect(await redis.get('harness:probe')).toBe('ok');
  });
});
