import { afterEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import request from 'supertest';
import {
  AuthorizationServerMetadataService,
  SentinelConfigError,
  SentinelModule,
  type SentinelModuleOptions,
  type SentinelRouteOptions,
} from '../../src/index.js';
import {
  BACKENDS,
  createTestClient,
  postForm,
  startProtocolApp,
  type ProtocolApp,
} from '../revocation/protocol-testing.js';

const WELL_KNOWN = '/.well-known/oauth-authorization-server';
const ISSUER = 'https://auth.example.com';
const ALL_AUTH = ['client_secret_basic', 'client_secret_post', 'none'];
const SECRET_AUTH = ['client_secret_basic', 'client_secret_post'];

/** Stands in for a host's ConfigService. */
class Settings {
  constructor(readonly values: SentinelModuleOptions) {}
}

/** `forRootAsync` with `routes` given statically and the rest from the factory. */
function registerAsync(routes: SentinelRouteOptions) {
  return (options: SentinelModuleOptions) => {
    @Module({
      providers: [{ provide: Settings, useValue: new Settings(options) }],
      exports: [Settings],
    })
    class SettingsModule {}
    return SentinelModule.forRootAsync({
      imports: [SettingsModule],
      inject: [Settings],
      useFactory: (settings: Settings) => settings.values,
      routes,
    });
  };
}

describe.each(BACKENDS)(
  'GET /.well-known/oauth-authorization-server (RFC 8414) on %s',
  (_n, backend) => {
    let t: ProtocolApp | undefined;

    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    const start = async (options: SentinelModuleOptions = {}) => {
      t = await startProtocolApp({ ...backend('metadata'), ...options });
      return t;
    };
    const get = (path = WELL_KNOWN) => request(t!.app.getHttpServer()).get(path);

    it('publishes every endpoint of a configured issuer, cacheable', async () => {
      await start({ issuer: ISSUER, scopesSupported: ['orders', 'profile'] });
      const res = await get().expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.body).toEqual({
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/oauth/authorize`,
        token_endpoint: `${ISSUER}/oauth/token`,
        token_endpoint_auth_methods_supported: ALL_AUTH,
        revocation_endpoint: `${ISSUER}/oauth/revoke`,
        revocation_endpoint_auth_methods_supported: ALL_AUTH,
        introspection_endpoint: `${ISSUER}/oauth/introspect`,
        introspection_endpoint_auth_methods_supported: SECRET_AUTH,
        device_authorization_endpoint: `${ISSUER}/oauth/device_authorization`,
        grant_types_supported: [
          'authorization_code',
          'password',
          'refresh_token',
          'client_credentials',
          'urn:ietf:params:oauth:grant-type:device_code',
        ],
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        scopes_supported: ['orders', 'profile'],
      });
      expect(Object.keys(res.body)[0]).toBe('issuer');
    });

    it('builds the document once per process', async () => {
      await start({ issuer: ISSUER });
      const service = t!.app.get(AuthorizationServerMetadataService);
      const first = service.document();
      await get().expect(200);
      expect(service.document()).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
    });

    it('derives the issuer from the request origin when none is configured (development)', async () => {
      await start();
      const res = await get().set('Host', 'localhost:3000').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body.issuer).toBe('http://localhost:3000');
      expect(res.body.token_endpoint).toBe('http://localhost:3000/oauth/token');
      expect(res.body.scopes_supported).toBeUndefined();

      const other = await get().set('Host', 'auth.internal:8443').expect(200);
      expect(other.body.issuer).toBe('http://auth.internal:8443');
    });

    it('ignores X-Forwarded-* unless the platform trusts the proxy', async () => {
      await start();
      const res = await get()
        .set('Host', 'localhost:3000')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'evil.example')
        .expect(200);
      expect(res.body.issuer).toBe('http://localhost:3000');
    });

    it('honours X-Forwarded-* when the host app trusts its proxy', async () => {
      await start();
      const express = t!.app.getHttpAdapter().getInstance() as {
        set(name: string, value: unknown): void;
      };
      express.set('trust proxy', true);
      const res = await get()
        .set('Host', 'localhost:3000')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'auth.example.org')
        .expect(200);
      expect(res.body.issuer).toBe('https://auth.example.org');
      expect(res.body.revocation_endpoint).toBe('https://auth.example.org/oauth/revoke');
    });

    it('answers a malformed Host with 400 instead of publishing it', async () => {
      await start();
      const res = await get().set('Host', 'bad_host"<x>');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('mounts the document under the issuer’s path (RFC 8414 §3.1)', async () => {
      await start({ issuer: 'https://id.example.com/tenant-a/' });
      const res = await get(`${WELL_KNOWN}/tenant-a`).expect(200);
      expect(res.body.issuer).toBe('https://id.example.com/tenant-a/');
      expect(res.body.token_endpoint).toBe('https://id.example.com/oauth/token');
      await get().expect(404);
    });

    it('follows the route options', async () => {
      await start({ issuer: ISSUER, routePrefix: '/auth', revocationPath: '/logout' });
      const res = await get().expect(200);
      expect(res.body.token_endpoint).toBe(`${ISSUER}/auth/token`);
      expect(res.body.revocation_endpoint).toBe(`${ISSUER}/auth/logout`);
      expect(res.body.introspection_endpoint).toBe(`${ISSUER}/auth/introspect`);
    });

    it('drops revocation when it is disabled, and POST /oauth/revoke is 404', async () => {
      await start({ issuer: ISSUER, revocationPath: false });
      const res = await get().expect(200);
      expect(res.body.revocation_endpoint).toBeUndefined();
      expect(res.body.revocation_endpoint_auth_methods_supported).toBeUndefined();
      expect(res.body.introspection_endpoint).toBe(`${ISSUER}/oauth/introspect`);
      const client = await createTestClient(t!.clients);
      const revoke = await postForm(t!.app, '/oauth/revoke', client, { token: 'x' });
      expect(revoke.status).toBe(404);
    });

    it('drops introspection when it is disabled, and POST /oauth/introspect is 404', async () => {
      await start({ issuer: ISSUER, introspectionPath: false });
      const res = await get().expect(200);
      expect(res.body.introspection_endpoint).toBeUndefined();
      expect(res.body.introspection_endpoint_auth_methods_supported).toBeUndefined();
      const client = await createTestClient(t!.clients);
      expect((await postForm(t!.app, '/oauth/introspect', client, { token: 'x' })).status).toBe(
        404,
      );
    });

    it('advertises no grant and no token endpoint when the token endpoint is disabled', async () => {
      await start({ issuer: ISSUER, tokenPath: false });
      const res = await get().expect(200);
      expect(res.body.token_endpoint).toBeUndefined();
      expect(res.body.token_endpoint_auth_methods_supported).toBeUndefined();
      expect(res.body.grant_types_supported).toEqual([]);
    });

    it('is not served at all with metadata: false', async () => {
      await start({ issuer: ISSUER, metadata: false });
      await get().expect(404);
    });

    it('takes route options from `routes` with forRootAsync', async () => {
      const routes = { issuer: ISSUER, introspectionPath: false as const };
      t = await startProtocolApp(
        { ...backend('metadata_async'), scopesSupported: ['orders'] },
        { register: registerAsync(routes) },
      );
      const res = await get().expect(200);
      expect(res.body.issuer).toBe(ISSUER);
      expect(res.body.introspection_endpoint).toBeUndefined();
      expect(res.body.scopes_supported).toEqual(['orders']);
    });

    it('refuses an issuer from the forRootAsync factory that contradicts the mounted one', async () => {
      await expect(
        startProtocolApp(
          { ...backend('metadata_async_bad'), issuer: 'https://other.example.com' },
          { register: registerAsync({ issuer: ISSUER }) },
        ),
      ).rejects.toThrow(SentinelConfigError);
    });
  },
);
