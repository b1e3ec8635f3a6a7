// Shaped workspaces that publish to the testkit PyPI index: what a user adds to `ferry init`'s
// ferry.yaml by hand, and the core metadata of what the index serves (downloaded, read by Python).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect } from 'vitest';
import { parse } from 'yaml';
import { normalize, startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { shapeWorkspace, type ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { ferry, type FerryRun } from './ferry.js';

export interface PublishingSuite {
  /** The file's testkit index (started in beforeAll). */
  readonly pypi: PypiServer;
  /** A fresh shape workspace, cleaned up after the file's tests. */
  workspace(prefix: string): Promise<ShapeWorkspace>;
}

/** One testkit PyPI index per test file, started before its tests and stopped after them, and its workspaces. */
export function publishingSuite(): PublishingSuite {
  let server: PypiServer | undefined;
  const spaces: ShapeWorkspace[] = [];
  beforeAll(async () => {
    server = await startPypiServer();
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all(spaces.map((s) => s.cleanup()));
  });
  return {
    get pypi(): PypiServer {
      if (!server) throw new Error('the testkit index starts in beforeAll: read suite.pypi inside a test');
      return server;
    },
    async workspace(prefix) {
      const ws = await shapeWorkspace(prefix);
      spaces.push(ws);
      return ws;
    },
  };
}

/** The built CLI in the workspace, with its own state dir and the index token. */
export function shapeCli(ws: ShapeWorkspace, pypi: PypiServer) {
  return (args: string[]): Promise<FerryRun> =>
    ferry(['--state-dir', join(ws.root, '.ferry'), ...args], {
      cwd: ws.dir,
      env: { PYPI_TOKEN: pypi.token },
      timeoutMs: 400_000,
    });
}

/** `ferry init`, then every package published to the index (and `release` merged in). */
export async function initPublishing(
  ws: ShapeWorkspace,
  pypi: PypiServer,
  release: Record<string, unknown> = {},
): Promise<void> {
  const init = await shapeCli(ws, pypi)(['init']);
  expect(init.exitCode, init.stderr).toBe(0);
  const cfg = parse(readFileSync(join(ws.dir, 'ferry.yaml'), 'utf8')) as Record<string, unknown>;
  ws.writeConfig({
    ...cfg,
    packages: (cfg.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'pypi' })),
    registries: {
      pypi: {
        kind: 'pypi',
        url: pypi.uploadUrl,
        index: pypi.url,
        token_env: 'PYPI_TOKEN',
        // Debian's hatchling needs `editables`, which is not packaged: what a user here configures.
        build: ['{python}', '-m', 'build', '--no-isolation', '--skip-dependency-check', '--outdir', '{dist}', '.'],
      },
    },
    release: { lint: ['true'], ...release },
  });
}

const PRINT_METADATA = `import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(z.read([n for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]).decode())`;

/** The Requires-Dist values (`name==1.0.1`, markers kept) of the wheel the index serves for name==version (downloaded from /files/). */
export async function wheelRequiresDist(pypi: PypiServer, name: string, version: string): Promise<string[]> {
  const file = pypi
    .files()
    .find((f) => f.filename.endsWith('.whl') && f.version === version && normalize(f.name) === normalize(name));
  expect(file, `${name} ${version} wheel on the index: ${pypi.files().map((f) => f.filename)}`).toBeDefined();
  const res = await fetch(`${pypi.url}files/${file!.filename}`);
  expect(res.status).toBe(200);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-wheel-'));
  try {
    const path = join(dir, file!.filename);
    writeFileSync(path, Buffer.from(await res.arrayBuffer()));
    const meta = (await execa('/usr/bin/python3', ['-c', PRINT_METADATA, path])).stdout;
    return (
      meta
        .split('\n\n')[0]!
        .split('\n')
        .filter((l) => l.startsWith('Requires-Dist: '))
        .map((l) => l.slice('Requires-Dist: '.length))
        // Older backends (poetry-core 1.x, setuptools) write `name (==1.0.1)`: read it as `name==1.0.1`.
        .map((r) => r.replace(/^([A-Za-z0-9._-]+(?:\[[^\]]*\])?) \(([^)]*)\)/, '$1$2'))
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
