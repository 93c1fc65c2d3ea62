/**
 * Jest runs in native ESM mode (NestJS 12 packages are ESM-only and Node 20 has no
 * require(esm) inside Jest's module registry). Unit tests sit next to the code
 * (`src/**\/*.spec.ts`), e2e tests under `test/` (`*.e2e-spec.ts`).
 * The global setup starts FerretDB and redis-server unless MONGO_URL / REDIS_URL are set.
 * @type {import('jest').Config}
 */
export default {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // The fixture apps' own tests run inside their installed copies (test/package).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/package/fixtures/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  globalSetup: '<rootDir>/test/harness/global-setup.js',
  globalTeardown: '<rootDir>/test/harness/global-teardown.js',
  reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
  testTimeout: 30000,
  maxWorkers: 2,
};
