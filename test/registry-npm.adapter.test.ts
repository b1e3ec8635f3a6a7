// npm adapter against a real Verdaccio: pack, publish, idempotent re-publish, conflict, visibility wait.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry } from '../src/adapters/registry/index.js';
import { npmRegistrySchema } from '../src/config/sections/registries.js';
import { isFerryError, type FerryError } from '../src/errors.js';
import { exec as realExec, type Exec } from '../src/util/process.js';
import type { Registry } from '../src/adapters/registry/types.js';
import { startVerdaccio, type VerdaccioHandle } from './fixtures/verdaccio.js';

const TOKEN = `npm_${randomBytes(18).toString('hex')}`;
const NAME = `@ferry-${randomBytes(3).toString('hex')}/tiny`;

let verdaccio: VerdaccioHandle;
let work: string;
let registry: Registry;
const logs: string[] = [];
const argvs: string[][] = [];
const log = (m: string) => logs.push(m);
// Records the raw argv (before redaction) so the test proves the token never reaches a command line.
const exec: Exec = (file, args, opts) => {
  argvs.push([file, ...args]);
  return realExec(file, args, opts);
};

async function writePackage(dir: string, version: string, body: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: NAME, version, main: 'index.js', license: 'MIT' }, null, 2));
  await writeFile(join(dir, 'index.js'), body);
}

function input(pkgDir: string, version: string, dist: string) {
  return { name: NAME, version, packageDir: pkgDir, distDir: join(work, dist), log };
}

async function caught(p: Promise<unknown>): Promise<FerryError> {
  try {
    await p;
  } catch (e) {
    if (isFerryError(e)) return e;
    throw e;
  }
  throw new Error('expected a FerryError');
}

beforeAll(async () => {
  [verdaccio, work] = await Promise.all([startVerdaccio(), mkdtemp(join(tmpdir(), 'ferry-npm-'))]);
  const cfg = npmRegistrySchema.parse({ kind: 'npm', url: verdaccio.url, token_env: 'FERRY_TEST_NPM_TOKEN' });
  registry = createRegistry(cfg, { FERRY_TEST_NPM_TOKEN: TOKEN }, { exec, policy: { initialMs: 50, maxMs: 400 } });
});

afterAll(async () => {
  await verdaccio?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('npm registry adapter (real Verdaccio)', () => {
  const pkg = () => join(work, 'pkg');

  it('publishes a packed tarball; the packument then lists it with the same integrity', async () => {
    await writePackage(pkg(), '1.0.0', 'module.exports = 1;\n');
    expect(await registry.lookup(NAME, '1.0.0')).toEqual({ exists: false, files: {} });

    const arts = await registry.build(input(pkg(), '1.0.0', 'dist-a'));
    expect(arts).toHaveLength(1);
    const art = arts[0]!;
    expect(art.filename).toBe(`${NAME.slice(1).replace('/', '-')}-1.0.0.tgz`);
    expect(art.integrity).toMatch(/^sha512-/);

    expect(await registry.publish(input(pkg(), '1.0.0', 'dist-a'), arts)).toBe('uploaded');
    await registry.waitVisible(NAME, '1.0.0', 10_000, log);

    const found = await registry.lookup(NAME, '1.0.0');
    expect(found.exists).toBe(true);
    expect(Object.values(found.files)).toEqual([art.integrity]);

    // The tarball the registry serves is byte-identical to the one we packed.
    const packument = (await (await fetch(`${verdaccio.url}@${encodeURIComponent(NAME.slice(1))}`)).json()) as {
      versions: Record<string, { dist: { tarball: string } }>;
    };
    const tgz = Buffer.from(await (await fetch(packument.versions['1.0.0']!.dist.tarball)).arrayBuffer());
    expect(createHash('sha256').update(tgz).digest('hex')).toBe(art.sha256);
  });

  it('re-publishing the same content (fresh pack) is skipped', async () => {
    const arts = await registry.build(input(pkg(), '1.0.0', 'dist-b'));
    const publishes = argvs.filter((a) => a[1] === 'publish').length;
    expect(await registry.publish(input(pkg(), '1.0.0', 'dist-b'), arts)).toBe('skipped');
    expect(argvs.filter((a) => a[1] === 'publish').length).toBe(publishes);
    expect(logs.some((l) => l.includes('skipping publish'))).toBe(true);
  });

  it('different content under the same version → PUBLISH_CONFLICT, nothing uploaded', async () => {
    await writePackage(pkg(), '1.0.0', 'module.exports = 2;\n');
    const arts = await registry.build(input(pkg(), '1.0.0', 'dist-c'));
    const err = await caught(registry.publish(input(pkg(), '1.0.0', 'dist-c'), arts));
    expect(err.code).toBe('PUBLISH_CONFLICT');
    expect(err.message).toContain(`${NAME}@1.0.0`);
    expect(err.fix).toMatch(/bump the version/);
  });

  it('npm pack of another version than asked is refused', async () => {
    await writePackage(pkg(), '1.0.1', 'module.exports = 3;\n');
    const err = await caught(registry.build(input(pkg(), '1.0.2', 'dist-d')));
    expect(err.code).toBe('PUBLISH_FAILED');
    expect(err.message).toContain('expected');
  });

  it('waitVisible on a version that never appears → PYPI_TIMEOUT naming registry, package and version', async () => {
    const started = Date.now();
    const err = await caught(registry.waitVisible(NAME, '9.9.9', 1200, log, undefined, { fix: 'ferry release --resume release-x' }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err.code).toBe('PYPI_TIMEOUT');
    expect(err.message).toContain(NAME);
    expect(err.message).toContain('9.9.9');
    expect(err.message).toContain(verdaccio.url);
    expect(err.message).toContain('--skip-registry-wait');
    expect(err.fix).toBe('ferry release --resume release-x');
    expect(logs.some((l) => /^waiting for .*9\.9\.9 \(retry in [\d.]+s\)/.test(l))).toBe(true);
  });

  it('rejects bad names and versions before touching anything', async () => {
    expect((await caught(registry.lookup('bad name; rm -rf', '1.0.0'))).code).toBe('USAGE');
    expect((await caught(registry.lookup(NAME, '1.0'))).code).toBe('USAGE');
  });

  it('an aborted wait stops promptly', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 200);
    const started = Date.now();
    await expect(registry.waitVisible(NAME, '8.8.8', 30_000, log, ac.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('never shows the token in argv, logs or errors', () => {
    expect(argvs.length).toBeGreaterThan(0);
    for (const a of argvs) expect(a.join(' ')).not.toContain(TOKEN);
    for (const l of logs) expect(l).not.toContain(TOKEN);
  });
});
