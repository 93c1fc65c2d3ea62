import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  ADMIN,
  basicAuth,
  BACKENDS,
  MGMT,
  expectManagementError,
  managedModule,
  managementClient,
  startManagementApp,
  type ManagementClient,
} from './management-testing.js';

// Issue 15, finding 5: bodies nested thousands deep overflowed class-transformer's recursion
// (500 server_error). Depth and size are bounded before validation: 400 naming `body`.

const nestedArrays = (depth: number) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}`;

describe.each(BACKENDS)('management body bounds on %s', (_name, backend) => {
  let app: INestApplication;
  let api: ManagementClient;
  let userId: string;
  let clientId: string;

  beforeAll(async () => {
    ({ app } = await startManagementApp(managedModule(backend('mgmt_bounds'))));
    api = managementClient(app);
    const user = await api.post('/users', { username: 'bounded', password: 'pw-bounded' });
    userId = (user.body as { id: string }).id;
    const client = await api.post('/clients', { client_name: 'Bounded', client_type: 'public' });
    clientId = (client.body as { client_id: string }).client_id;
  });

  afterAll(async () => {
    await app?.close();
  });

  const send = (method: 'post' | 'patch', path: string, body: string) =>
    request(app.getHttpServer())
      [method](`${MGMT}${path}`)
      .set('X-Forwarded-For', '192.0.2.10')
      .set('Authorization', basicAuth(ADMIN.username, ADMIN.password))
      .set('Content-Type', 'application/json')
      .send(body);

  const targets = (): Array<[string, 'post' | 'patch', string]> => [
    ['POST /users', 'post', '/users'],
    ['PATCH /users/:id', 'patch', `/users/${userId}`],
    ['POST /clients', 'post', '/clients'],
    ['PATCH /clients/:id', 'patch', `/clients/${clientId}`],
  ];

  it.each([
    ['2,000 nested arrays', nestedArrays(2000)],
    ['3,000 nested objects', nestedObjects(3000)],
  ])('answers %s in scope with 400 invalid_input naming body, everywhere', async (_label, json) => {
    for (const [route, method, path] of targets()) {
      const response = await send(method, path, `{"scope":${json}}`);
      expect({ route, status: response.status }).toEqual({ route, status: 400 });
      expectManagementError(response, 400, 'invalid_input', 'body');
    }
  });

  it('answers a body with too many values with 400 naming body', async () => {
    const wide = JSON.stringify(Array.from({ length: 5000 }, () => 'read'));
    const response = await send(
      'post',
      '/users',
      `{"username":"wide","password":"pw","scope":${wide}}`,
    );
    expectManagementError(response, 400, 'invalid_input', 'body');
  });

  it('still validates ordinary bodies field by field', async () => {
    const response = await send(
      'post',
      '/users',
      '{"username":"u","password":"pw","scope":[["read"]]}',
    );
    expectManagementError(response, 400, 'invalid_input', 'scope');
  });
});
