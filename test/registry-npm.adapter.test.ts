// npm adapter against a real Verdaccio: pack, publish, idempotent re-publish, conflict, visibility wait.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
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
const errors: FerryError[] = [];
const log = (m: string) => logs.push(m);
// Records the raw argv (before redaction) so the test proves the token never reaches a command line.
const exec: Exec = (file, args, opts) => {
  argvs.push([file, ...args]);
  return realExec(file, args, opts);
};

async function writePackage(dir: string, version: string, body: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: NAME, version, main: 'index.js', license: 'MIT' }, null, 2),
  );
  await writeFile(join(dir, 'index.js'), body);
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

/** In front of Verdaccio: answers the next N requests of a method with a failure, forwards the rest. */
interface Proxy {
  url: string;
  /** afterForward: let the request reach Verdaccio, then answer `status` anyway (a lost reply). */
  fail: (method: string, n: number, status: number, retryAfterSec?: number, afterForward?: boolean) => void;
  seen: string[];
  close: () => Promise<void>;
}

async function flakyProxy(target: string): Promise<Proxy> {
  const plan: Array<{ method: string; status: number; retryAfterSec?: number; afterForward?: boolean }> = [];
  const seen: string[] = [];
  const t = new URL(target);
  const srv: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const i = plan.findIndex((p) => p.method === req.method);
    const p = i >= 0 ? plan.splice(i, 1)[0] : undefined;
    if (p?.afterForward) {
      const fwd = request(
        {
          host: t.hostname,
          port: t.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: t.host },
        },
        (up) => {
          up.resume();
          up.on('end', () => {
            res.writeHead(p.status);
            res.end(JSON.stringify({ error: `simulated ${p.status} after forwarding` }));
          });
        },
      );
      req.pipe(fwd);
      return;
    }
    if (p) {
      req.resume();
      res.writeHead(p!.status, p!.retryAfterSec === undefined ? {} : { 'retry-after': String(p!.retryAfterSec) });
      res.end(JSON.stringify({ error: `simulated ${p!.status}` }));
      return;
    }
    const fwd = request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    req.pipe(fwd);
  });
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const addr = srv.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`,
    fail: (method, n, status, retryAfterSec, afterForward) => {
      for (let k = 0; k < n; k++) plan.push({ method, status, retryAfterSec, afterForward });
    },
    seen,
    close: async () => {
      srv.closeAllConnections();
      await new Promise<void>((ok) => srv.close(() => ok()));
    },
  };
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
    const err = await caught(
      registry.waitVisible(NAME, '9.9.9', 1200, log, undefined, { fix: 'ferry release --resume release-x' }),
    );
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

  it('packs the workspace package it is run in (npm workspaces monorepo)', async () => {
    const root = join(work, 'mono');
    await mkdir(join(root, 'packages', 'b'), { recursive: true });
    await writeFile(
      join(root, 'package.json'),
      JSON.stringify({ name: 'mono-root', private: true, workspaces: ['packages/*'] }),
    );
    await writePackage(join(root, 'packages', 'a'), '3.0.0', 'module.exports = "a";\n');
    const bName = `${NAME}-b`;
    await writeFile(
      join(root, 'packages', 'b', 'package.json'),
      JSON.stringify({ name: bName, version: '3.0.0', dependencies: { [NAME]: '3.0.0' } }),
    );
    const [art] = await registry.build({
      name: bName,
      version: '3.0.0',
      packageDir: join(root, 'packages', 'b'),
      distDir: join(work, 'dist-mono'),
      log,
    });
    expect(art!.filename).toBe(`${bName.slice(1).replace('/', '-')}-3.0.0.tgz`);
  });

  it('429 with Retry-After on the packument, then 503 on the publish: waited out, published once', async () => {
    const proxy = await flakyProxy(verdaccio.url);
    try {
      const cfg = npmRegistrySchema.parse({ kind: 'npm', url: proxy.url, token_env: 'FERRY_TEST_NPM_TOKEN' });
      const flaky = createRegistry(
        cfg,
        { FERRY_TEST_NPM_TOKEN: TOKEN },
        { exec, policy: { initialMs: 50, maxMs: 400 }, retryBudgetMs: 30_000 },
      );
      await writePackage(pkg(), '1.1.0', 'module.exports = 11;\n');
      const arts = await flaky.build(input(pkg(), '1.1.0', 'dist-flaky'));
      proxy.fail('GET', 2, 429, 1);
      proxy.fail('PUT', 1, 503);
      const started = Date.now();
      expect(await flaky.publish(input(pkg(), '1.1.0', 'dist-flaky'), arts)).toBe('uploaded');
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(
        logs.filter((l) => /waiting for .*\(retry in 1s\): HTTP 429 \(Retry-After 1s\)/.test(l)).length,
      ).toBeGreaterThanOrEqual(2);
      const puts = proxy.seen.filter((r) => r.startsWith('PUT'));
      expect(puts.length).toBe(2); // the 503'd one and the one that landed
      expect(logs.some((l) => l.includes('npm publish failed transiently (E503)'))).toBe(true);
      expect((await registry.lookup(NAME, '1.1.0')).files).toEqual({ [arts[0]!.filename]: arts[0]!.integrity });
    } finally {
      await proxy.close();
    }
  });

  it('a publish whose reply is lost (502 after Verdaccio stored it) is not re-sent: the packument says it landed', async () => {
    const proxy = await flakyProxy(verdaccio.url);
    try {
      const cfg = npmRegistrySchema.parse({ kind: 'npm', url: proxy.url, token_env: 'FERRY_TEST_NPM_TOKEN' });
      const flaky = createRegistry(
        cfg,
        { FERRY_TEST_NPM_TOKEN: TOKEN },
        { exec, policy: { initialMs: 50, maxMs: 400 }, retryBudgetMs: 30_000 },
      );
      await writePackage(pkg(), '1.2.0', 'module.exports = 12;\n');
      const arts = await flaky.build(input(pkg(), '1.2.0', 'dist-lost'));
      proxy.fail('PUT', 1, 502, undefined, true);
      expect(await flaky.publish(input(pkg(), '1.2.0', 'dist-lost'), arts)).toBe('uploaded');
      expect(proxy.seen.filter((r) => r.startsWith('PUT'))).toHaveLength(1);
      expect((await registry.lookup(NAME, '1.2.0')).files).toEqual({ [arts[0]!.filename]: arts[0]!.integrity });
    } finally {
      await proxy.close();
    }
  });

  it('never shows the token in argv, logs or errors', () => {
    expect(argvs.length).toBeGreaterThan(0);
    for (const a of argvs) expect(a.join(' ')).not.toContain(TOKEN);
    for (const l of logs) expect(l).not.toContain(TOKEN);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    for (const e of errors) expect(JSON.stringify({ m: e.message, ...e.toJSON() })).not.toContain(TOKEN);
  });
});
