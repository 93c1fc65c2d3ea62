import { createServer, connect, type Server, type Socket } from 'node:net';
import mongoose, { type Connection } from 'mongoose';
import { PasswordHasher } from '../../src/crypto/password-hasher.js';
import { mongoUrl, openTestConnection } from '../harness/backends.js';

/** Label the contract suites give the Mongo backend, so the output names it. */
export const MONGO_BACKEND = 'mongo (FerretDB or MONGO_URL)';
/** The same, on a connection with Mongoose `sanitizeFilter`, as the module opens it. */
export const MONGO_SANITIZED_BACKEND = `${MONGO_BACKEND}, sanitizeFilter on`;

/**
 * A connection to a fresh database. `sanitizeFilter` as the module sets it on connections it
 * opens; off as a host application's own connection may be, where only the stores' own
 * string checks stand between a query and an operator object.
 */
export async function openContractConnection(
  label: string,
  sanitizeFilter: boolean,
): Promise<Connection> {
  const connection = await openTestConnection(label);
  connection.set('sanitizeFilter', sanitizeFilter);
  return connection;
}

/** A value that is not a string, smuggled past the types the way a parsed JSON body could. */
export const OPERATOR = { $ne: 'nobody' } as unknown as string;

/** bcrypt cost 4 (fast in tests); counts calls so tests can see hashing and dummy comparisons. */
export class CountingHasher extends PasswordHasher {
  readonly calls = { hash: 0, verify: 0, burn: 0 };

  constructor() {
    super(4);
  }

  override async hash(password: string): Promise<string> {
    this.calls.hash += 1;
    return super.hash(password);
  }

  override async verify(password: string, hash: string): Promise<boolean> {
    this.calls.verify += 1;
    return super.verify(password, hash);
  }

  override async burn(password: string): Promise<false> {
    this.calls.burn += 1;
    return super.burn(password);
  }
}

/** Collects a promise's rejection, failing when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** A Mongoose connection that goes through a local TCP proxy, so a test can cut the network. */
export interface CuttableConnection {
  connection: Connection;
  /** Stops accepting connections and drops the open ones: the database becomes unreachable. */
  cut(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a connection to the test server through a proxy on a free loopback port. Uses the first
 * host of MONGO_URL with `directConnection`, so the driver cannot discover a way around the proxy.
 */
export async function openCuttableConnection(dbName: string): Promise<CuttableConnection> {
  const hosts = /^mongodb:\/\/(?:[^/@]*@)?([^/?]+)/.exec(mongoUrl());
  if (!hosts) throw new Error('openCuttableConnection needs a mongodb:// URL');
  const [hostname, targetPort] = hosts[1].split(',')[0].split(':');
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    const upstream = connect(Number(targetPort ?? 27017), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = mongoUrl().replace(
    /^(mongodb:\/\/(?:[^/@]*@)?)[^/?]+/,
    (_all, prefix: string) => `${prefix}127.0.0.1:${port}`,
  );
  const connection = await mongoose
    .createConnection(url, {
      dbName,
      directConnection: true,
      serverSelectionTimeoutMS: 500,
      // Straight to the driver once cut, instead of waiting in Mongoose's buffer.
      bufferCommands: false,
    })
    .asPromise();
  const closeProxy = () =>
    new Promise<void>((resolve) => {
      proxy.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return {
    connection,
    cut: closeProxy,
    async close() {
      await connection.close(true).catch(() => undefined);
      if (proxy.listening) await closeProxy();
    },
  };
}
