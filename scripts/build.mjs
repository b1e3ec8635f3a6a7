// Bundles the CLI with code splitting so each command is a lazily imported chunk:
// `ferry --version` loads only the entry chunk, never docker/octokit/slack code.
// Builds into dist.next/ and swaps it in, so a failed build leaves the previous dist/ intact.
import { build } from 'esbuild';
import { renameSync, rmSync } from 'node:fs';

const next = new URL('../dist.next', import.meta.url);
const dist = new URL('../dist', import.meta.url);
rmSync(next, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts', testkit: 'src/testkit/index.ts' },
  outdir: 'dist.next',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  // Maps point at file:line for stack traces; the sources themselves stay out of the npm tarball.
  sourcesContent: false,
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
rmSync(dist, { recursive: true, force: true });
renameSync(next, dist);
