// ESM setup as in actions/typescript-action: ts-jest compiles tests as ES modules, and the
// `.js` suffixes that NodeNext requires in imports are mapped back to the `.ts` sources. Tests
// compile with tsconfig.test.json; ncc builds src/ alone with tsconfig.json, so a test file
// cannot break the bundle.
export default {
  clearMocks: true,
  // A TMPDIR of the run's own, and a failure if a test leaves anything in it.
  globalSetup: '<rootDir>/__fixtures__/temp-setup.ts',
  globalTeardown: '<rootDir>/__fixtures__/temp-teardown.ts',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/dist/', '/node_modules/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }]
  },
  verbose: false
}
