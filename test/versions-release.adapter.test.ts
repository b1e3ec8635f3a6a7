// Real releases (forge git: local merge, tag, push to the bare remote) of the pre-release and
// version-file shapes: `--prerelease rc` makes 1.1.0rc1, the next run 1.1.0rc2, and a normal run
// graduates to 1.1.0 (issue 12.8); BUMP updates the listed __version__ module (issue 12.9).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ferry } from './helpers/ferry.js';
import { prereleaseShape } from './fixtures/shapes/pep440.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { versionFilesShape } from './fixtures/shapes/version-files.js';
import { git } from '../src/testkit/git.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

async function workspace(): Promise<ShapeWorkspace> {
  const ws = await shapeWorkspace('ferry-versions-run-');
  spaces.push(ws);
  return ws;
}
const cli = (ws: ShapeWorkspace, args: string[]) =>
  ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir, timeoutMs: 200_000 });

/** A real, pre-approved release run of `pkg` (the attestation must name the run id). */
async function release(ws: ShapeWorkspace, pkg: string, id: string, extra: string[] = []) {
  const runId = `release-20261203-${id}`;
  const r = await cli(ws, [
    'release',
    pkg,
    '--run-id',
    runId,
    '--gate-attestation',
    `1740312612.000100:${runId}`,
    ...extra,
  ]);
  expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** The file at the tip of the bare remote's main. */
const onRemote = (ws: ShapeWorkspace, repo: string, path: string) =>
  git(ws.repos.get(repo)!.remote, ['show', `main:${path}`]);
const remoteTags = async (ws: ShapeWorkspace, repo: string) =>
  (await git(ws.repos.get(repo)!.remote, ['tag', '--list'])).split('\n').filter(Boolean).sort();

describe('pre-releases, for real (issue 12.8)', () => {
  it('--prerelease rc → 1.1.0rc1, again → 1.1.0rc2, then a normal release → 1.1.0', { timeout: 600_000 }, async () => {
    const ws = await workspace();
    const [comet] = await prereleaseShape(ws);
    expect((await cli(ws, ['init'])).exitCode).toBe(0);

    const rc1 = await release(ws, 'comet', 'a00001', ['--prerelease', 'rc']);
    expect(rc1.stdout).toMatch(/comet\s+\| 1\s+\| 1\.0\.0\s+\| 1\.1\.0rc1\s+\| minor/);
    expect(await onRemote(ws, 'comet', 'pyproject.toml')).toContain('version = "1.1.0rc1"');

    await comet!.git(['pull', '-q', '--ff-only']);
    await comet!.commit('fix: perihelion rounding', { 'src/comet/orbit.py': 'o = 2\n' });
    await comet!.git(['push', '-q', 'origin', 'main']);
    const rc2 = await release(ws, 'comet', 'a00002', ['--prerelease', 'rc']);
    expect(rc2.stdout).toMatch(/comet\s+\| 1\s+\| 1\.1\.0rc1\s+\| 1\.1\.0rc2\s+\| patch/);

    await comet!.git(['pull', '-q', '--ff-only']);
    await comet!.commit('fix: tail length', { 'src/comet/tail.py': 't = 1\n' });
    await comet!.git(['push', '-q', 'origin', 'main']);
    const final = await release(ws, 'comet', 'a00003');
    expect(final.stdout).toMatch(/comet\s+\| 1\s+\| 1\.1\.0rc2\s+\| 1\.1\.0\s+\| patch/);
    expect(await onRemote(ws, 'comet', 'pyproject.toml')).toContain('version = "1.1.0"');
    expect(await remoteTags(ws, 'comet')).toEqual(['v1.0.0', 'v1.1.0', 'v1.1.0rc1', 'v1.1.0rc2']);
  });
});

describe('version files, for real (issue 12.9)', () => {
  it(
    'BUMP sets the listed __version__ with the manifest; the release commit carries both',
    { timeout: 300_000 },
    async () => {
      const ws = await workspace();
      await versionFilesShape(ws);
      expect((await cli(ws, ['init'])).exitCode).toBe(0);
      await release(ws, 'photon', 'b00001');
      expect(await onRemote(ws, 'photon', 'pyproject.toml')).toContain('version = "0.7.1"');
      expect(await onRemote(ws, 'photon', 'src/photon/__init__.py')).toContain('__version__ = "0.7.1"');
      // Not listed (it did not hold the manifest version): untouched, as the dry run warned.
      expect(await onRemote(ws, 'photon', 'src/photon_cli/_version.py')).toContain("__version__ = '0.6.0'");
      expect(await remoteTags(ws, 'photon')).toEqual(['v0.7.0', 'v0.7.1']);
    },
  );
});
