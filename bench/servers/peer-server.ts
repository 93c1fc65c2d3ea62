import { createHash } from 'node:crypto';
import OAuth2Server from '@node-oauth/oauth2-server';
import express, { type Request as ExpressRequest, type Response as ExpressResponse } from 'express';
import { Redis } from 'ioredis';
import { PAYLOAD, READY, readConfig, type PeerServerConfig } from '../lib/config.js';

/**
 * The peer (scenario 4): @node-oauth/oauth2-server's `authenticate` on plain Express, with a
 * Redis-backed model that reads exactly what Sentinel's guard reads — the key
 * `${keyPrefix}token:${sha256(token)}` holding Sentinel's JSON — over the same ioredis client
 * library. Same routes, same payload, same body parsers as a default Nest Express app.
 */
const config = readConfig<PeerServerConfig>('peer');
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
const prefix = `${config.keyPrefix}token:`;

const model = {
  async getAccessToken(accessToken: string) {
    const digest = createHash('sha256').update(accessToken, 'utf8').digest('hex');
    const raw = await redis.get(prefix + digest);
    if (raw === null) return null;
    const cached = JSON.parse(raw) as {
      revoked?: boolean;
      sub: string | null;
      client_id: string;
      scope: string;
      exp: number;
    };
    if (cached.revoked) return null;
    return {
      accessToken,
      accessTokenExpiresAt: new Date(cached.exp * 1000),
      scope: cached.scope === '' ? [] : cached.scope.split(' '),
      client: { id: cached.client_id, grants: [] },
      user: { id: cached.sub },
    };
  },
  async verifyScope(): Promise<boolean> {
    return true;
  },
};

// Only `authenticate` is served, which needs `getAccessToken` (and `verifyScope`) alone.
const oauth = new OAuth2Server({ model: model as unknown as OAuth2Server.ServerOptions['model'] });
const app = express();
app.disable('x-powered-by');
// Nest's Express adapter registers these two by default; the peer gets the same.
app.use(express.json());
app.use(express.urlencoded({ extended: true }));

app.get('/open', (_req, res) => {
  res.json(PAYLOAD);
});

app.get('/protected', async (req: ExpressRequest, res: ExpressResponse) => {
  try {
    await oauth.authenticate(new OAuth2Server.Request(req), new OAuth2Server.Response(res));
    res.json(PAYLOAD);
  } catch (error) {
    const status = (error as { code?: number }).code ?? 500;
    res.status(status).json({ error: (error as { name?: string }).name ?? 'server_error' });
  }
});

const server = app.listen(config.port, '127.0.0.1', () => {
  console.log(`${READY} {}`);
});

process.once('SIGTERM', () => {
  server.close();
  redis.disconnect();
  process.exit(0);
});
