// What a user installs: `npm pack` (prepack builds dist/ and the types), `npm install -g` of the tarball into
// a fresh prefix, then `ferry --help` / `--version` run from outside the repository. Also what the tarball
// holds: the LICENSE, no TypeScript sources, source maps without embedded sources.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const tmp = mkdtempSync(join(tmpdir(), 'ferry-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the npm tarball, installed globally', () => {
  it(
    'npm pack → npm i -g ./ferry-*.tgz → ferry --help / --version outside the repo',
    { timeout: 600_000 },
    async () => {
      const packed = await execa('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT });
      const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
      const files = info.files.map((f) => f.path);
      expect(files).toEqual(
        expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/ferry.js', 'dist/cli.js']),
      );
      expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
      const tarball = join(tmp, info.filename);
      expect(readdirSync(tmp)).toContain(info.filename);

      const prefix = join(tmp, 'prefix');
      await execa(
        'npm',
        ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tarball],
        {
          cwd: tmp,
        },
      );
      // Run from a directory with no ferry.yaml and no node_modules above it, with only the global bin on PATH.
      const away = mkdtempSync(join(tmp, 'elsewhere-'));
      const env = { PATH: `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`, HOME: tmp, NO_COLOR: '1' };
      const run = (args: string[]) => execa('ferry', args, { cwd: away, env, extendEnv: false, reject: false });
      const version = await run(['--version']);
      expect([version.exitCode, version.stdout.trim()]).toEqual([0, pkg.version]);
      const help = await run(['--help']);
      expect(help.exitCode, help.stderr).toBe(0);
      expect(help.stdout).toContain('Usage: ferry [options] [command]');
      expect(help.stdout).toMatch(/^ {2}release \[options\] \[packages\.\.\.\]/m);
      // A command that loads a lazily imported chunk, from the installed copy.
      const explain = await run(['explain', 'TAG_CONFLICT']);
      expect(explain.exitCode, explain.stderr).toBe(0);
      expect(explain.stdout).toContain('TAG_CONFLICT');
      // Source maps ship without embedded sources (the tarball carries no source twice).
      const dist = join(prefix, 'lib', 'node_modules', pkg.name, 'dist');
      const maps = readdirSync(dist).filter((f) => f.endsWith('.map'));
      for (const m of maps)
        expect(JSON.parse(readFileSync(join(dist, m), 'utf8'))).not.toHaveProperty('sourcesContent');
    },
  );
});
