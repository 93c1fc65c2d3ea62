/**
 * openid-client 6 (panva; on oauth4webapi 3), an off-the-shelf RFC 8628 client, against the
 * module over real HTTP on a loopback port: it discovers the device authorization endpoint
 * through RFC 8414 metadata, starts a device authorization, and polls. The person's decision is
 * recorded in the store directly (the verification page belongs to the person side).
 *
 * The library waits `interval` real seconds before each poll, so the server is configured with
 * the smallest interval (1 s); the server's clock is a fake one, moved by `interval` as each
 * poll goes out, so the server sees polls exactly one interval apart — no timing-based
 * assertions, and no accidental `slow_down`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { SentinelClient } from '../../src/storage/client-store.js';
import {
  startAuthorizationApp,
  type AuthorizationApp,
} from '../authorization/authorization-testing.js';
import { BACKENDS, callApi } from '../module/module-testing.js';
import { decide, DEVICE_CODE_GRANT_TYPE } from '../device/device-testing.js';

const INTERVAL = 1;

describe.each(BACKENDS)(
  'openid-client 6 device authorization against the module (%s)',
  (_name, backend) => {
    let t: AuthorizationApp;
    let device: SentinelClient;
    let issuer: string;
    /** Token endpoint answers the library received, in order (their `error`, or `tokens`). */
    let answers: string[];
    /** Runs after each token endpoint answer (e.g. to approve after the first pending poll). */
    let onTokenAnswer: (error: string) => Promise<void>;

    beforeAll(async () => {
      t = await startAuthorizationApp({
        ...backend('openid-client-device'),
        deviceCode: { interval: INTERVAL, codeTtl: 600 },
      });
      await t.app.listen(0, '127.0.0.1');
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      // No issuer configured: the module derives it from the request origin (§3.3 holds).
      issuer = `http://127.0.0.1:${port}`;
      ({ client: device } = await t.clients.create({
        clientName: 'CLI',
        clientType: 'public',
        grantTypes: [DEVICE_CODE_GRANT_TYPE],
        scope: 'orders profile',
      }));
    });

    afterAll(async () => {
      await t?.close();
    });

    async function configure(): Promise<client.Configuration> {
      const config = await client.discovery(
        new URL(issuer),
        device.clientId,
        undefined,
        client.None(),
        {
          algorithm: 'oauth2',
          execute: [client.allowInsecureRequests],
        },
      );
      answers = [];
      onTokenAnswer = async () => undefined;
      config[client.customFetch] = async (url, options) => {
        const isToken = url === `${issuer}/oauth/token`;
        if (isToken) t.clock.advanceSeconds(INTERVAL);
        const response = await fetch(url, options as RequestInit);
        if (!isToken) return response;
        const body = (await response.clone().json()) as { error?: string };
        answers.push(body.error ?? 'tokens');
        await onTokenAnswer(body.error ?? 'tokens');
        return response;
      };
      return config;
    }

    it('discovers the device endpoint and the grant through RFC 8414', async () => {
      const config = await configure();
      const metadata = config.serverMetadata();
      expect(metadata.issuer).toBe(issuer);
      expect(metadata.device_authorization_endpoint).toBe(`${issuer}/oauth/device_authorization`);
      expect(metadata.grant_types_supported).toContain(DEVICE_CODE_GRANT_TYPE);
    });

    it('polls through authorization_pending to tokens the guard accepts', async () => {
      const config = await configure();
      const started = await client.initiateDeviceAuthorization(config, { scope: 'orders' });
      expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(started.verification_uri).toBe(`${issuer}/oauth/device`);
      expect(started.interval).toBe(INTERVAL);
      const userId = (
        await t.users.create({ username: 'cli-user', password: 'correct horse battery' })
      ).id;
      // The person approves after the device's first (pending) poll.
      onTokenAnswer = async (error) => {
        if (error !== 'authorization_pending') return;
        onTokenAnswer = async () => undefined;
        expect(
          await decide(t.app, t.clock, started.device_code, {
            outcome: 'approved',
            userId,
            scope: 'orders',
          }),
        ).toBe(true);
      };
      const tokens = await client.pollDeviceAuthorizationGrant(config, started);
      expect(answers).toEqual(['authorization_pending', 'tokens']);
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.scope).toBe('orders');
      const me = await callApi(t.app, tokens.access_token);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ userId, clientId: device.clientId });
    });

    it('ends with the library’s access_denied error after Deny', async () => {
      const config = await configure();
      const started = await client.initiateDeviceAuthorization(config, {});
      expect(await decide(t.app, t.clock, started.device_code, { outcome: 'denied' })).toBe(true);
      const error = await client.pollDeviceAuthorizationGrant(config, started).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(client.ResponseBodyError);
      expect((error as client.ResponseBodyError).error).toBe('access_denied');
      expect((error as client.ResponseBodyError).status).toBe(400);
      expect(answers).toEqual(['access_denied']);
    });
  },
);
