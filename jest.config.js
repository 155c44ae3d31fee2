// Jest in native ESM mode (NODE_OPTIONS=--experimental-vm-modules); ts-jest transpiles each file on its own.
const libs = [
  'contracts',
  'config',
  'edxml',
  'bus',
  'store',
  'registry',
  'routing',
  'archive',
  'auth',
  'sdk-client',
  'stack',
  'exchange',
  'local-hub',
  'connector',
  'pki',
  'xmldsig',
  'trust',
  'pdfsig',
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    ...Object.fromEntries(libs.map((l) => [`^#${l}$`, `<rootDir>/libs/${l}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true }],
  },
  testEnvironment: 'node',
};

export default {
  rootDir: '.',
  // Integration and e2e tests wait on real services; e2e files raise this further themselves.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
    {
      // The long fault suite (npm run test:faults); not part of ./run test, whose e2e runs its short form.
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
    },
  ],
};
