// PyPI adapter with real `python3 -m build` and real twine against the local PyPI-compatible server.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../src/adapters/registry/index.js';
import { pypiRegistrySchema } from '../src/config/sections/registries.js';
import { isFerryError, type FerryError } from '../src/errors.js';
import { exec as realExec, type Exec } from '../src/util/process.js';
import type { Artifact, Registry } from '../src/adapters/registry/types.js';
import { startPypiServer, type PypiServer } from './fixtures/pypi-server.js';

const TOKEN = `pypi-${randomBytes(18).toString('hex')}`;
const NAME = 'Ferry.Tiny_pkg';

let server: PypiServer;
let work: string;
let registry: Registry;
const logs: string[] = [];
const argvs: string[][] = [];
const errors: FerryError[] = [];
const log = (m: string) => logs.push(m);
const exec: Exec = (file, args, opts) => {
  argvs.push([file, ...args]);
  return realExec(file, args, opts);
};

async function writePackage(version: string, body: string, deps: string[] = []): Promise<string> {
  const dir = join(work, `pkg-${version}-${createHash('sha1').update(body).digest('hex').slice(0, 6)}`);
  await mkdir(join(dir, 'src', 'ferry_tiny_pkg'), { recursive: true });
  await writeFile(
    join(dir, 'pyproject.toml'),
    `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${NAME}"\nversion = "${version}"\ndescription = "ferry test package"\ndependencies = ${JSON.stringify(deps)}\n`,
  );
  await writeFile(join(dir, 'src', 'ferry_tiny_pkg', '__init__.py'), body);
  return dir;
}

function input(pkgDir: string, version: string, dist: string) {
  return { name: NAME, version, packageDir: pkgDir, distDir: join(work, dist), log };
}

async function caught(p: Promise<unknown>): Promise<FerryError> {
  try {
    await p;
  } catch (e) {
    if (isFerryError(e)) {
      errors.push(e);
      return e;
    }
    throw e;
  }
  throw new Error('expected a FerryError');
}

async function buildVersion(
  version: string,
  body = `VALUE = ${JSON.stringify(version)}\n`,
): Promise<{ dir: string; arts: Artifact[] }> {
  const dir = await writePackage(version, body);
  return { dir, arts: await registry.build(input(dir, version, `dist-${version}`)) };
}

beforeAll(async () => {
  [server, work] = await Promise.all([startPypiServer({ token: TOKEN }), mkdtemp(join(tmpdir(), 'ferry-pypi-'))]);
  const cfg = pypiRegistrySchema.parse({
    kind: 'pypi',
    url: server.uploadUrl,
    index: server.url,
    token_env: 'FERRY_TEST_PYPI_TOKEN',
  });
  registry = createRegistry(
    cfg,
    { FERRY_TEST_PYPI_TOKEN: TOKEN },
    { exec, policy: { initialMs: 100, maxMs: 400 }, retryBudgetMs: 20_000 },
  );
});

afterAll(async () => {
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('PyPI registry adapter (real build + twine, local index)', () => {
  let first: { dir: string; arts: Artifact[] };

  it('builds an sdist and a wheel whose bytes do not depend on build time', async () => {
    first = await buildVersion('1.0.0');
    // NOTE: setuptools < 69 keeps the project name as written in sdist/wheel names; ferry matches them normalised.
    expect(first.arts.map((a) => a.filename.replace(/^ferry[._-]tiny[._-]pkg/i, '<name>'))).toEqual([
      '<name>-1.0.0-py3-none-any.whl',
      '<name>-1.0.0.tar.gz',
    ]);
    await new Promise((r) => setTimeout(r, 1100)); // a later second: timestamps would differ
    const again = await registry.build(input(first.dir, '1.0.0', 'dist-1.0.0-again'));
    expect(again.map((a) => a.sha256)).toEqual(first.arts.map((a) => a.sha256));
    // The source tree is left as it was (no build/ or *.egg-info).
    expect((await readdir(first.dir)).sort()).toEqual(['pyproject.toml', 'src']);
    expect(await readdir(join(first.dir, 'src'))).toEqual(['ferry_tiny_pkg']);
  });

  it('uploads with twine; files are downloadable, then served on the PEP 691 simple index', async () => {
    expect((await registry.lookup(NAME, '1.0.0')).exists).toBe(false);
    expect(await registry.publish(input(first.dir, '1.0.0', 'dist-1.0.0'), first.arts)).toBe('uploaded');
    for (const a of first.arts) {
      expect(server.uploadAttempts(a.filename)).toBe(1);
      const body = Buffer.from(await (await fetch(`${server.url}files/${a.filename}`)).arrayBuffer());
      expect(createHash('sha256').update(body).digest('hex')).toBe(a.sha256);
    }
    const found = await registry.lookup(NAME, '1.0.0');
    expect(found.files).toEqual(Object.fromEntries(first.arts.map((a) => [a.filename, a.sha256])));
    await registry.waitVisible(NAME, '1.0.0', 5000, log);
    expect(
      server.requests.some(
        (r) => r.path === '/simple/ferry-tiny-pkg/' && r.accept?.includes('application/vnd.pypi.simple.v1+json'),
      ),
    ).toBe(true);
  });

  it('a wheel whose metadata has a direct-URL dependency is refused as the real index does; nothing stored', async () => {
    const dir = await writePackage('3.0.0', 'X = 3\n', ['acme-core @ git+https://git.acme.test/acme/core.git@v1']);
    const arts = await registry.build(input(dir, '3.0.0', 'dist-3.0.0'));
    const e = await caught(registry.publish(input(dir, '3.0.0', 'dist-3.0.0'), arts));
    expect(e.code).toBe('PUBLISH_FAILED');
    expect(e.message + JSON.stringify(e.details)).toContain("Can't have direct dependency");
    for (const a of arts) expect(server.stored(a.filename)).toBe(0);
  });

  it('re-publishing the same files is skipped: each file still uploaded exactly once', async () => {
    const rebuilt = await registry.build(input(first.dir, '1.0.0', 'dist-1.0.0-third'));
    expect(await registry.publish(input(first.dir, '1.0.0', 'dist-1.0.0-third'), rebuilt)).toBe('skipped');
    for (const a of first.arts) expect(server.uploadAttempts(a.filename)).toBe(1);
  });

  it('different content under an existing filename → PUBLISH_CONFLICT without uploading', async () => {
    const changed = await writePackage('1.0.0', 'VALUE = "changed"\n');
    const arts = await registry.build(input(changed, '1.0.0', 'dist-1.0.0-changed'));
    const err = await caught(registry.publish(input(changed, '1.0.0', 'dist-1.0.0-changed'), arts));
    expect(err.code).toBe('PUBLISH_CONFLICT');
    expect(err.message).toContain(first.arts[0]!.filename);
    for (const a of first.arts) expect(server.uploadAttempts(a.filename)).toBe(1);
  });

  it('429 with Retry-After on the index is waited out, then the upload happens once', async () => {
    const { dir, arts } = await buildVersion('1.0.1');
    server.failNext(2, { status: 429, retryAfterSec: 1, scope: 'read' });
    const started = Date.now();
    expect(await registry.publish(input(dir, '1.0.1', 'dist-1.0.1'), arts)).toBe('uploaded');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(logs.filter((l) => /waiting for .* \(retry in 1s\): HTTP 429 \(Retry-After 1s\)/.test(l))).toHaveLength(2);
    for (const a of arts) expect(server.uploadAttempts(a.filename)).toBe(1);
  });

  it('an upload whose reply is lost (429 after storing) is not uploaded twice: ferry asks the index first', async () => {
    const { dir, arts } = await buildVersion('1.0.2');
    server.failNext(1, { status: 429, afterStore: true });
    expect(await registry.publish(input(dir, '1.0.2', 'dist-1.0.2'), arts)).toBe('uploaded');
    for (const a of arts) {
      expect(server.uploadAttempts(a.filename)).toBe(1);
      expect(server.stored(a.filename)).toBe(1);
    }
    expect(logs.some((l) => l.includes('twine upload failed transiently (HTTP 429)'))).toBe(true);
  });

  it('503 after storing: twine re-posts, the index treats the identical file as a no-op; stored once', async () => {
    const { dir, arts } = await buildVersion('1.0.6');
    server.failNext(1, { status: 503, afterStore: true });
    expect(await registry.publish(input(dir, '1.0.6', 'dist-1.0.6'), arts)).toBe('uploaded');
    for (const a of arts) expect(server.stored(a.filename)).toBe(1);
    // NOTE: twine retries 5xx POSTs itself (up to 5 times), so one file sees two POSTs here.
    expect(arts.map((a) => server.uploadAttempts(a.filename)).sort()).toEqual([1, 2]);
  });

  it('waits for the simple index, not the JSON API, which shows the release first', async () => {
    const { dir, arts } = await buildVersion('1.0.3');
    server.simpleLagMs = 1500;
    try {
      expect(await registry.publish(input(dir, '1.0.3', 'dist-1.0.3'), arts)).toBe('uploaded');
      const json = await fetch(`${server.url}pypi/${NAME}/1.0.3/json`);
      expect(json.status).toBe(200); // visible on the JSON API right away
      const started = Date.now();
      await registry.waitVisible(NAME, '1.0.3', 10_000, log);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(
        logs.some(
          (l) => /waiting for .*1\.0\.3 \(retry in/.test(l) && l.includes('no 1.0.3 file on the simple index yet'),
        ),
      ).toBe(true);
    } finally {
      server.simpleLagMs = 0;
    }
  });

  it('a release that never reaches the simple index → PYPI_TIMEOUT within the timeout', async () => {
    const { dir, arts } = await buildVersion('1.0.4');
    server.simpleLagMs = Number.POSITIVE_INFINITY;
    try {
      await registry.publish(input(dir, '1.0.4', 'dist-1.0.4'), arts);
      const started = Date.now();
      const err = await caught(registry.waitVisible(NAME, '1.0.4', 1000, log));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(err.code).toBe('PYPI_TIMEOUT');
      expect(err.message).toContain(NAME);
      expect(err.message).toContain('1.0.4');
      expect(err.message).toContain(server.url);
      expect(err.message).toContain('--skip-registry-wait');
    } finally {
      server.simpleLagMs = 0;
    }
  });

  it('a wrong token → PUBLISH_FAILED naming the env var, not the token', async () => {
    const cfg = pypiRegistrySchema.parse({
      kind: 'pypi',
      url: server.uploadUrl,
      index: server.url,
      token_env: 'OTHER_PYPI_TOKEN',
    });
    const wrong = createRegistry(cfg, { OTHER_PYPI_TOKEN: `wrong-${TOKEN}` }, { exec, retryBudgetMs: 5000 });
    const { dir, arts } = await buildVersion('1.0.5');
    const err = await caught(wrong.publish(input(dir, '1.0.5', 'dist-1.0.5'), arts));
    expect(err.code).toBe('PUBLISH_FAILED');
    expect(err.message).toContain('$OTHER_PYPI_TOKEN');
  });

  it('rejects bad names and versions before touching anything', async () => {
    expect((await caught(registry.lookup('bad name', '1.0.0'))).code).toBe('USAGE');
    expect((await caught(registry.lookup(NAME, '1.0.0; echo'))).code).toBe('USAGE');
  });

  it('never shows a token in argv, logs or errors', () => {
    expect(argvs.some((a) => a.includes('upload'))).toBe(true);
    const seen = [
      ...argvs.map((a) => a.join(' ')),
      ...logs,
      ...errors.map((e) => JSON.stringify({ m: e.message, ...e.toJSON() })),
    ];
    for (const s of seen) {
      expect(s).not.toContain(TOKEN);
    }
    expect(errors.length).toBeGreaterThan(3);
  });
});
