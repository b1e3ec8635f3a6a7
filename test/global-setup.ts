// Tests run the CLI from a private snapshot of dist/ so a rebuild during a test run (another
// terminal, another developer) cannot pull chunks out from under running child processes.
// The snapshot lives inside the repo so bare imports still resolve from node_modules.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export function setup(): void {
  const dir = process.env.FERRY_TEST_BUILD_DIR;
  if (!dir) return;
  if (!existsSync(join(ROOT, 'dist', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` before vitest (npm test does)');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'bin', 'ferry.js'), join(dir, 'bin', 'ferry.js'));
  // package.json makes the snapshot an ES module scope like the repo root; bin/ferry.js answers
  // --version from it, so it carries the real name and version.
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, string>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, type: 'module' }));
}

export function teardown(): void {
  const dir = process.env.FERRY_TEST_BUILD_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
