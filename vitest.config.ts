import { defineConfig } from 'vitest/config';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// One private copy of the build per test run (see test/global-setup.ts); workers inherit the env.
process.env.FERRY_TEST_BUILD_DIR ??= join(
  fileURLToPath(new URL('.', import.meta.url)),
  '.test-build',
  String(process.pid),
);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Real git, Docker and registries: give them room, and isolate processes.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
