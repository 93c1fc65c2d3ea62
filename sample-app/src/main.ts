import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { resolveSentinelOptions } from '../../src/options/resolve-options.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/index.js';
import { AppModule } from './app.module.js';
import { demoPathsOf } from './demo/demo-client.js';
import { seedDemoData, type DemoData } from './demo-seed.js';
import { readSampleConfig, type SampleConfig } from './sample-config.js';

/** Starts the sample app; returns the app and the base URL it listens on. */
export async function bootstrap(env: NodeJS.ProcessEnv = process.env, print = console.log) {
  const config = readSampleConfig(env);
  // Warnings and errors only: Nest's `log` level prints one line per mapped route (about 45)
  // before anything a newcomer needs (README "Walkthrough with curl").
  const app = await NestFactory.create(AppModule.register(config), {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = `http://${config.host}:${port}`;
  const prefix = config.sentinel.routePrefix ?? '/oauth';
  const tokenPath = config.sentinel.tokenPath ?? '/token';
  print(`\nnestjs-sentinel sample app listening on ${base}`);
  if (config.inMemory && tokenPath !== false) {
    const webDemo = demoPathsOf(config) !== undefined;
    const demo = await seedDemoData(app, webDemo ? port : undefined);
    const tokenUrl = `${base}${prefix === '/' ? '' : prefix}${tokenPath}`;
    print(`\nDemo user "${demo.username}" / "${demo.password}", public client "${demo.clientId}".`);
    print('Get a token:');
    print(
      `  curl -s -X POST ${tokenUrl} -d grant_type=password -d client_id=${demo.clientId} ` +
        `-d username=${demo.username} -d password=${demo.password}`,
    );
    print('Then call the protected endpoint:');
    print(`  curl -s ${base}/endpoint -H "Authorization: Bearer <access_token>"`);
    print('For the README walkthrough, paste:');
    print(`  ${walkthroughExports(base, demo)}\n`);
    if (webDemo) printWebDemo(port, demo, print);
    printDeviceFlow(config, base, demo, print);
  }
  printManagement(config, base, print);
  return { app, base };
}

/**
 * The `export` line the README walkthrough starts from. The values are base64url (no shell
 * metacharacters); quoted anyway so the line stays safe to paste.
 */
export function walkthroughExports(base: string, demo: DemoData): string {
  return `export BASE=${base} CLIENT_ID='${demo.clientId}' PASSWORD='${demo.password}'`;
}

/**
 * Where the browser demo is (sample-app/src/demo). `localhost`, one of its two registered
 * redirect hosts, whatever loopback HOST it listens on.
 */
function printWebDemo(port: number, demo: DemoData, print: (line: string) => void): void {
  print('Try the sign-in flow in a browser (authorization code grant with PKCE):');
  print(
    `  open http://localhost:${port}/demo and sign in as "${demo.username}" / "${demo.password}"\n`,
  );
}

/** The device flow (RFC 8628) with curl for the device and the browser for the person. */
function printDeviceFlow(
  config: SampleConfig,
  base: string,
  demo: DemoData,
  print: (line: string) => void,
): void {
  const { deviceAuthorizationPath, devicePath, tokenPath } = resolveSentinelOptions(
    config.sentinel,
  );
  if (deviceAuthorizationPath === false || devicePath === false || tokenPath === false) return;
  print('Sign in a device (device authorization grant, RFC 8628): start it with');
  print(`  curl -s -X POST ${base}${deviceAuthorizationPath} -d client_id=${demo.clientId}`);
  print(
    `then open ${base}${devicePath}, type the user_code, sign in as "${demo.username}" and ` +
      'allow; the device polls with',
  );
  print(
    `  curl -s -X POST ${base}${tokenPath} -d grant_type=${DEVICE_CODE_GRANT_TYPE} ` +
      `-d client_id=${demo.clientId} -d device_code=<device_code>\n`,
  );
}

/** Where the management console is and how to sign in (the generated password only). */
function printManagement(config: SampleConfig, base: string, print: (line: string) => void): void {
  const path = resolveSentinelOptions(config.sentinel).managementPath;
  if (path === false || config.management === 'none') return;
  print(`Management console: ${base}${path}`);
  if (config.management === 'generated') {
    const { username, password } = config.sentinel.management ?? {};
    print(
      `  sign in as "${username}" with password "${password}" (generated for this run; set ` +
        'SENTINEL_MANAGEMENT_USERNAME and SENTINEL_MANAGEMENT_PASSWORD to choose your own)',
    );
    print('For the nestjs-sentinel CLI, paste:');
    print(
      `  export SENTINEL_ENDPOINT=${base}${path} SENTINEL_ADMIN_USER='${username}' ` +
        `SENTINEL_ADMIN_PASSWORD='${password}'\n`,
    );
  } else {
    print('  sign in with SENTINEL_MANAGEMENT_USERNAME / SENTINEL_MANAGEMENT_PASSWORD\n');
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  bootstrap().catch((error: unknown) => {
    new Logger('SampleApp').error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
