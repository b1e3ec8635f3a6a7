// The four commands through the built CLI on a real Docker engine: stage → promote (dry run, refusal,
// good), and self-deploy with the real detached `ferry promote --hook-mode` hook, then finalize.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { parseVerdict } from '../../src/promote/verdict.js';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateOutput } from '../helpers/schema.js';
import { cleanupSuite, freePort, runService, uniqueName } from '../fixtures/docker-images.js';
import { buildMarkedImage } from '../promote-helpers.js';

const docker = new DockerRuntime();
const suite = uniqueName('promotecli');
const repo = suite;
const stg = uniqueName('stg');
const prod = uniqueName('prod');
const selfProd = uniqueName('selfprod');
const ids: Record<string, string> = {};
let dir: string;
let prodPort: number;
let selfPort: number;

/** The last --json line, checked against its published schema (schema/<skill>-result.schema.json). */
const last = (stdout: string): Record<string, unknown> => {
  const line = jsonLines(stdout).pop()!;
  expect(validateOutput(line)).toEqual([]);
  return line;
};
const run = (args: string[], env: Record<string, string> = {}) => ferry(['--json', ...args], { cwd: dir, env });
const deployVerdict = (service: string) =>
  parseVerdict(readFileSync(join(dir, '.ferry/verdicts', service, '14-deploy-log.md'), 'utf8'), 'deploy');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-promote-cli-'));
  ids.v1 = await buildMarkedImage(docker.docker, `${repo}:v1`, suite, 'v1');
  ids.v2 = await buildMarkedImage(docker.docker, `${repo}:v2`, suite, 'v2');
  await docker.tag(ids.v1, `${repo}:prod`);
  await docker.tag(ids.v1, `${repo}:self`);
  prodPort = await freePort();
  selfPort = await freePort();
  await runService(docker.docker, { name: stg, image: `${repo}:v2`, suite, hostPort: await freePort() });
  await runService(docker.docker, { name: prod, image: `${repo}:prod`, suite, hostPort: prodPort });
  await runService(docker.docker, { name: selfProd, image: `${repo}:self`, suite, hostPort: selfPort });
  const check = ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/version'];
  writeFileSync(
    join(dir, 'ferry.yaml'),
    stringify({
      version: 1,
      environments: {
        staging: {
          services: {
            api: { container: stg, image: `${repo}:staging`, base_url: 'http://127.0.0.1:80', check },
            orch: { container: stg, image: `${repo}:staging`, check },
          },
        },
        production: {
          services: {
            api: {
              container: prod,
              image: `${repo}:prod`,
              health: `http://127.0.0.1:${prodPort}/health`,
              health_timeout_seconds: 10,
            },
            orch: {
              container: selfProd,
              image: `${repo}:self`,
              self: true,
              health: `http://127.0.0.1:${selfPort}/health`,
              health_timeout_seconds: 10,
            },
          },
        },
      },
    }),
  );
});

afterAll(async () => {
  await cleanupSuite(docker.docker, suite, [`${repo}:prod`, `${repo}:self`]);
  rmSync(dir, { recursive: true, force: true });
});

describe('ferry stage / promote / self-deploy / finalize (CLI)', () => {
  it('stage --dry-run writes nothing; stage writes a SUCCESS verdict', async () => {
    const dry = await run(['stage', 'api', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(last(dry.stdout)).toMatchObject({ skill: 'stage', status: 'dry_run' });
    expect(existsSync(join(dir, '.ferry'))).toBe(false);
    const r = await run(['stage', 'api']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(last(r.stdout)).toMatchObject({ status: 'SUCCESS', image_id: ids.v2 });
    expect((await run(['stage', 'orch'])).exitCode).toBe(0);
  });

  it('promote needs an explicit --env; --dry-run changes nothing; a real promote runs the staging image id', async () => {
    const noEnv = await run(['promote', 'api']);
    expect(noEnv.exitCode).toBe(1);
    expect(last(noEnv.stdout)).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED' } });

    const dry = await run(['promote', 'api', '--env', 'production', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(last(dry.stdout)).toMatchObject({ status: 'dry_run' });
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v1);
    expect(existsSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'))).toBe(false);

    // FERRY_CONTAINER_ID = the target: ferry believes it runs inside it and refuses.
    const target = (await docker.inspectContainer(prod))!;
    const selfRef = await run(['promote', 'api', '--env', 'production'], { FERRY_CONTAINER_ID: target.id });
    expect(selfRef.exitCode).toBe(1);
    expect(last(selfRef.stdout)).toMatchObject({ exit_code: 1, error: { code: 'SELF_RESTART_REFUSED' } });
    expect((await docker.inspectContainer(prod))?.id).toBe(target.id);

    const r = await run(['promote', 'api', '--env', 'production']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(last(r.stdout)).toMatchObject({
      status: 'SUCCESS',
      exit_code: 0,
      source_image_id: ids.v2,
      previous_image_id: ids.v1,
    });
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v2);
    expect(deployVerdict('api').frontmatter).toMatchObject({ deploy_status: 'SUCCESS', image_id: ids.v2 });
  });

  it('a self service is never promoted synchronously', async () => {
    const r = await run(['promote', 'orch', '--env', 'production']);
    expect(r.exitCode).toBe(1);
    expect(last(r.stdout)).toMatchObject({
      error: { code: 'CONFIRMATION_REQUIRED', fix: 'ferry self-deploy orch --env production' },
    });
  });

  it('promote --help teaches the user-facing flags and hides the hook plumbing; the plumbing still works', async () => {
    const h = await ferry(['promote', '--help'], { cwd: dir });
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toContain('--env <env>');
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).not.toMatch(/--hook-mode|--hook-step|--auto-rolled-back/);
    const step = await ferry(['promote', 'api', '--env', 'production', '--hook-step', 'current'], { cwd: dir });
    expect(step.exitCode, step.stderr).toBe(0);
    expect(JSON.parse(step.stdout.trim())).toMatchObject({ hook_step: 'current' });
  });

  it('a bad --image is a usage error (exit 2) before any run: no run state, the deploy verdict untouched', async () => {
    const verdictBefore = readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8');
    const runsBefore = readdirSync(join(dir, '.ferry/state/promote')).length;
    const r = await run(['promote', 'api', '--env', 'production', '--image', 'app:v2; rm -rf /']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(last(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'USAGE', message: expect.stringContaining('invalid --image') },
    });
    expect(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8')).toBe(verdictBefore);
    expect(readdirSync(join(dir, '.ferry/state/promote')).length).toBe(runsBefore);
    const sd = await run(['self-deploy', 'orch', '--image', '$(id)', '--gate-attestation', '1740312612.000100:x']);
    expect(sd.exitCode).toBe(2);
    expect(last(sd.stdout)).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });

  it("promote --env staging (the environment that promotes from itself) is refused: production's deploy verdict is not replaced", async () => {
    const verdictBefore = readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8');
    const r = await run(['promote', 'api', '--env', 'staging']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(last(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'USAGE', fix: 'ferry promote api --env production' },
    });
    expect(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8')).toBe(verdictBefore);
    expect(parseVerdict(verdictBefore, 'deploy').frontmatter.environment).toBe('production');
  });

  it('self-deploy: no TTY → refusal; with attestation → detached hook; finalize → SUCCESS verdict', async () => {
    const refused = await run(['self-deploy', 'orch', '--run-id', 'self-deploy-20260101-aaaaaa']);
    expect(refused.exitCode).toBe(1);
    expect(last(refused.stdout)).toMatchObject({
      ok: false,
      error: {
        code: 'GATE_UNAVAILABLE',
        fix: expect.stringContaining('--resume self-deploy-20260101-aaaaaa --gate-attestation'),
      },
    });

    const dry = await run(['self-deploy', 'orch', '--resume', 'self-deploy-20260101-aaaaaa', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(last(dry.stdout)).toMatchObject({ skill: 'self-deploy', status: 'dry_run' });

    const bad = await run([
      'self-deploy',
      'orch',
      '--resume',
      'self-deploy-20260101-aaaaaa',
      '--gate-attestation',
      '1740312612.000100:other-run',
    ]);
    expect(bad.exitCode).toBe(2);
    // The fix is the whole command again, and says what <ts> is.
    expect(last(bad.stdout)).toMatchObject({
      error: {
        code: 'INVALID_GATE_TOKEN',
        fix: 'ferry self-deploy orch --env production --resume self-deploy-20260101-aaaaaa --gate-attestation <ts>:self-deploy-20260101-aaaaaa   (<ts>: approval time as seconds.microseconds, e.g. 1740312612.000100)',
      },
    });

    const ok = await run([
      'self-deploy',
      'orch',
      '--resume',
      'self-deploy-20260101-aaaaaa',
      '--gate-attestation',
      '1740312612.000100:self-deploy-20260101-aaaaaa',
    ]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(last(ok.stdout)).toMatchObject({ status: 'hook_launched' });

    const f = await run(['finalize', '--wait-seconds', '60']);
    expect(f.exitCode, f.stdout + f.stderr).toBe(0);
    const res = last(f.stdout) as { status: string; results: Array<Record<string, unknown>> };
    expect(res.status).toBe('SUCCESS');
    expect(res.results[0]).toMatchObject({ service: 'orch', status: 'SUCCESS', hook_exit_code: 0 });
    expect((await docker.inspectContainer(selfProd))?.imageId).toBe(ids.v2);
    expect(deployVerdict('orch').frontmatter).toMatchObject({
      deploy_status: 'SUCCESS',
      exit_code: 0,
      run_id: 'self-deploy-20260101-aaaaaa',
    });
    // The hook left its own promote run (hook mode) and no verdict of its own; state files exist for each run.
    expect(
      readdirSync(join(dir, '.ferry/state/promote')).some((f) => f.startsWith('self-deploy-20260101-aaaaaa-hook')),
    ).toBe(true);
    const again = await run(['finalize']);
    expect(last(again.stdout)).toMatchObject({ results: [{ service: 'orch', status: 'nothing_to_finalize' }] });
  });
});
