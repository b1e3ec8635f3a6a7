import { defineConfig } from 'vitest/config';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// One private copy of the build per test run (see test/global-setup.ts); workers inherit the env.
process.env.FERRY_TEST_BUILD_DIR ??= join(
  fileURLToPath(new URL('.', import.meta.url)),
  '.test-build',
  String(process.pid),
);

/** Tests outside the adapter naming that still start Docker or a registry: they run with the adapters. */
const UNIT_EXCLUDED: string[] = [];

export default defineConfig({
  test: {
    // Three tiers (`vitest run --project unit`): unit tests need no Docker, registry or network and
    // finish in under a minute (npm run test:unit); adapter tests drive one real external part each
    // (Docker, Verdaccio, twine, local HTTP servers); integration tests run whole pipelines.
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/*.test.ts'], exclude: ['test/*.adapter.test.ts', ...UNIT_EXCLUDED] },
      },
      { extends: true, test: { name: 'adapter', include: ['test/*.adapter.test.ts', ...UNIT_EXCLUDED] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
    ],
    globalSetup: ['test/global-setup.ts'],
    // Every --json output a test captures is checked against schema/ (test/helpers/json-output.ts).
    setupFiles: ['test/setup-json-outputs.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Real git, Docker and registries: give them room, and isolate processes.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
