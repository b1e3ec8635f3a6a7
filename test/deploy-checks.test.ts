// Issue 16 point 7: a service `health:` URL that is also a `checks:` entry is requested once per
// phase, and a down service is named once in the reasons. A real loopback HTTP server counts hits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpChecks } from '../src/deploy/analyse-system.js';
import { deploySchema } from '../src/config/sections/deploy.js';
import { analyseDeploy } from '../src/deploy/run-deploy.js';
import { verifyDeployment } from '../src/deploy/verify.js';
import { exec } from '../src/util/process.js';

let server: Server;
let base = '';
const hits: Record<string, number> = {};
let dir = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    hits[req.url!] = (hits[req.url!] ?? 0) + 1;
    res.statusCode = req.url === '/down' ? 503 : 200;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  dir = mkdtempSync(join(tmpdir(), 'ferry-deploy-checks-'));
  const env = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  await exec('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
  writeFileSync(join(dir, 'app.py'), 'x = 1\n');
  await exec('git', ['add', '-A'], { cwd: dir, env });
  await exec('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: dir, env });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('deploy checks: each URL once', () => {
  it('httpChecks: a checks: entry with a service health URL is tied to the service, not repeated', () => {
    expect(
      httpChecks({ api: 'http://h/health', admin: 'http://h/admin', again: 'http://h/admin' }, [
        { name: 'web', health: 'http://h/health' },
        { name: 'worker', health: 'http://h/worker' },
        { name: 'db' },
      ]),
    ).toEqual([
      { name: 'api', url: 'http://h/health', service: 'web' },
      { name: 'admin', url: 'http://h/admin' },
      { name: 'worker health', url: 'http://h/worker', service: 'worker' },
    ]);
  });

  it('analysis and verification request a shared URL once each; the down service is named once', async () => {
    const config = deploySchema.parse({
      checks: { api: `${base}/down`, admin: `${base}/admin` },
      runtime: {
        kind: 'docker',
        image: 'unused:latest',
        services: [
          { name: 'web', container: 'unused-web', health: `${base}/down` },
          { name: 'admin-ui', container: 'unused-admin', health: `${base}/admin` },
        ],
      },
      verify: { retries: 0, interval_seconds: 0.1, timeout_seconds: 2 },
    });
    const engine = { stateDir: join(dir, '.ferry'), dryRun: true, verbose: false };
    // runtime: null — no containers to inspect; the HTTP checks are what this test is about.
    const a = await analyseDeploy({ config, configDir: dir, engine, runtime: null });
    expect(hits).toEqual({ '/down': 1, '/admin': 1 });
    expect(a.checks.map((c) => c.url)).toEqual([`${base}/down`, `${base}/admin`]);
    const down = a.decision.reasons.find((r) => r.scenario === 'services_down')!;
    expect(down.summary).toBe('Services down: web');
    expect(down.details).toEqual([`api ${base}/down: HTTP 503`]);

    const v = await verifyDeployment({
      runtime: null,
      services: a.services,
      checks: a.checks,
      builtId: null,
      last: null,
      timeoutMs: 2000,
      retries: 0,
      intervalMs: 100,
    });
    expect(hits).toEqual({ '/down': 2, '/admin': 2 });
    expect(v.verification.checks.map((c) => [c.name, c.service, c.status])).toEqual([
      ['api', 'web', 503],
      ['admin', 'admin-ui', 200],
    ]);
    expect(v.verification.problems).toEqual([`api ${base}/down: HTTP 503`]);
  });
});
