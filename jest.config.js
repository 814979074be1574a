// Three projects: unit specs beside the code, and the same e2e suites run once on
// SQLite and once on PostgreSQL (test/support/database.ts reads SIGNET_TEST_DB).
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  // Each e2e file creates a database, runs migrations and hashes passwords in beforeAll: on a
  // busy 2-core CI machine that can exceed Jest's 5 s default.
  testTimeout: 30_000,
  // jose is ESM-only: ts-jest transforms it (see ../shared/STACK.md).
  transform: {
    '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(jose|openid-client|oauth4webapi|canonicalize|content-disposition|@fastify/static)/)',
  ],
};

module.exports = {
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e-sqlite',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/use-sqlite.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/close-leftover-apps.ts'],
    },
    {
      ...common,
      displayName: 'e2e-postgres',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/use-postgres.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/close-leftover-apps.ts'],
    },
    {
      ...common,
      displayName: 'reliability',
      rootDir: '.',
      testMatch: ['<rootDir>/test/reliability/**/*.reliability-spec.ts'],
      setupFiles: ['<rootDir>/test/support/use-postgres.ts'],
    },
  ],
};
