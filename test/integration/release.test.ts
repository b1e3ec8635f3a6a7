// ferry release end to end on the seeds' 6-repo ecosystem: real git with bare remotes, real
// python -m build + twine against the local PyPI-compatible server, the built CLI as a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { seedEcosystem, SEED_TIERS, type Ecosystem } from '../fixtures/ecosystem.js';
import { startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { releaseResultSchema } from '../../src/release/result.js';

let pypi: PypiServer;
let eco: Ecosystem;
let home: string;
const RUN = 'release-20260225-a3f7b2';
const TOKEN = `1740312612.000100:${RUN}`;
const NAMES = SEED_TIERS.flat();

const env = () => ({ FERRY_TEST_PYPI_TOKEN: pypi.token, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' });
const run = (args: string[], extraEnv: Record<string, string> = {}) =>
  ferry(['--config', eco.configPath, '--state-dir', home, 'release', ...args], { cwd: eco.workspace, env: { ...env(), ...extraEnv } });

beforeAll(async () => {
  [pypi, eco] = await Promise.all([startPypiServer(), seedEcosystem()]);
  home = join(eco.root, '.ferry');
  eco.writeConfig((base) => ({
    ...base,
    packages: (base.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'pypi' })),
    registries: { pypi: { kind: 'pypi', url: pypi.uploadUrl, index: pypi.url, token_env: 'FERRY_TEST_PYPI_TOKEN' } },
  }));
});
afterAll(async () => {
  await pypi?.stop();
  await eco?.cleanup();
});

describe('ferry release (6-repo seed ecosystem, forge git, local PyPI)', () => {
  it('dry run prints the plan table and hash and changes nothing (no state file)', async () => {
    const before = await eco.snapshotRepos();
    const r = await run(['--dry-run', '--run-id', RUN]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('repo             | tier | current | new   | bump  | commits | status');
    expect(r.stdout).toMatch(/plan_hash: sha256:[0-9a-f]{64}/);
    expect(await eco.snapshotRepos()).toEqual(before);
    expect(existsSync(join(home, 'state'))).toBe(false);
  });

  it('releases every repo in tier order, one squash commit each, tags, pins, uploads', async () => {
    const r = await run(['--run-id', RUN, '--gate-attestation', TOKEN, '--json']);
    const lines = jsonLines(r.stdout);
    const result = lines[lines.length - 1] as Record<string, unknown>;
    expect(r.exitCode, r.stderr + JSON.stringify(result, null, 1)).toBe(0);
    expect(releaseResultSchema.parse(result).status).toBe('SUCCESS');
    expect(validateAgainst('result', result)).toEqual([]);
    for (const name of NAMES) {
      const log = await eco.git(name, ['log', '--format=%s', 'origin/main']);
      expect(log.split('\n').filter((s) => s.startsWith('release: ')).length).toBe(1);
    }
  });
});
