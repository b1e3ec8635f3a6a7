// ferry stage on a real Docker engine: the check runs inside the staging container via the Engine API.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import { runStage } from '../src/promote/stage.js';
import { resolveService } from '../src/promote/service.js';
import { parseVerdict } from '../src/promote/verdict.js';
import { cleanupSuite, freePort, runService, uniqueName } from './fixtures/docker-images.js';
import { buildMarkedImage, environments } from './promote-helpers.js';

const rt = new DockerRuntime();
const suite = uniqueName('stage');
const staging = uniqueName('stg');
const tag = `${suite}:v1`;
let dir: string;
let imageId: string;

function cfg(check: string[]) {
  return environments({
    staging: {
      services: {
        api: {
          container: staging,
          image: `${suite}:staging`,
          base_url: 'http://localhost:80',
          check,
          check_timeout_seconds: 20,
        },
      },
    },
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-stage-'));
  imageId = await buildMarkedImage(rt.docker, tag, suite, 'v1');
  await runService(rt.docker, { name: staging, image: tag, suite, hostPort: await freePort() });
});

afterAll(async () => {
  await cleanupSuite(rt.docker, suite, [tag]);
  rmSync(dir, { recursive: true, force: true });
});

describe('ferry stage', () => {
  it('healthy staging → SUCCESS verdict with the tested image id, parsed from frontmatter only', async () => {
    const svc = resolveService(cfg(['wget', '-q', '-O', '-', '{base_url}/health']), 'staging', 'api', dir);
    const r = await runStage({ runtime: rt, svc, home: join(dir, '.ferry'), runId: 'stage-ok-1', dryRun: false });
    expect(r.status).toBe('SUCCESS');
    expect(r.exit_code).toBe(0);
    expect(r.image_id).toBe(imageId);
    const text = readFileSync(join(dir, '.ferry/verdicts/api/15-staging-log.md'), 'utf8');
    const v = parseVerdict(text, 'staging');
    expect(v.status).toBe('SUCCESS');
    expect(v.frontmatter).toMatchObject({
      staging_status: 'SUCCESS',
      base_url: 'http://localhost:80',
      image_id: imageId,
      run_id: 'stage-ok-1',
    });
    expect(typeof v.frontmatter.timestamp).toBe('string');
    expect(existsSync(join(dir, '.ferry/verdicts/api/runs/stage-ok-1/15-staging-log.md'))).toBe(true);
    expect(existsSync(join(dir, '.ferry/state/stage/stage-ok-1.json'))).toBe(true);
    expect(existsSync(join(dir, '.ferry/results/stage-ok-1/stage.json'))).toBe(true);
  });

  it('failing check → FAILED verdict containing the check output', async () => {
    const svc = resolveService(
      cfg(['sh', '-c', 'echo "B6 registry isolation: FAIL"; echo to-stderr >&2; exit 3']),
      'staging',
      'api',
      dir,
    );
    const r = await runStage({ runtime: rt, svc, home: join(dir, '.ferry'), runId: 'stage-bad-1', dryRun: false });
    expect(r.status).toBe('FAILED');
    expect(r.exit_code).toBe(3);
    const text = readFileSync(join(dir, '.ferry/verdicts/api/15-staging-log.md'), 'utf8');
    expect(parseVerdict(text, 'staging').status).toBe('FAILED');
    expect(text).toContain('B6 registry isolation: FAIL');
    expect(text).toContain('to-stderr');
    // History keeps the earlier SUCCESS.
    expect(
      parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/runs/stage-ok-1/15-staging-log.md'), 'utf8'), 'staging')
        .status,
    ).toBe('SUCCESS');
  });

  it('a huge, coloured check output: the verdict and the run state keep its last 64 KiB, escape sequences stripped', async () => {
    const svc = resolveService(
      cfg(['sh', '-c', 'seq 1 300000; printf "\\033[31mFAILED: 2 tests\\033[0m\\n"; exit 1']),
      'staging',
      'api',
      dir,
    );
    const r = await runStage({ runtime: rt, svc, home: join(dir, '.ferry'), runId: 'stage-big-1', dryRun: false });
    expect(r.status).toBe('FAILED');
    const text = readFileSync(join(dir, '.ferry/verdicts/api/15-staging-log.md'), 'utf8');
    expect(parseVerdict(text, 'staging').status).toBe('FAILED');
    expect(text.length).toBeLessThan(70 * 1024);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\n299999\n300000\nFAILED: 2 tests\n');
    expect(text).toMatch(/\[ferry: \d+ earlier bytes of output omitted; last \d+ bytes follow\]\n\d+\n/);
    expect(text).not.toContain('\n1\n2\n3\n');
    expect(readFileSync(join(dir, '.ferry/state/stage/stage-big-1.json'), 'utf8').length).toBeLessThan(80 * 1024);
  });

  it('a check that times out → FAILED verdict that says it did not complete, with the reason', async () => {
    const envs = environments({
      staging: {
        services: {
          api: {
            container: staging,
            image: `${suite}:staging`,
            check: ['sh', '-c', 'echo started-the-check; exec sleep 37'],
            check_timeout_seconds: 1,
          },
        },
      },
    });
    const svc = resolveService(envs, 'staging', 'api', dir);
    const r = await runStage({ runtime: rt, svc, home: join(dir, '.ferry'), runId: 'stage-timeout-1', dryRun: false });
    expect(r.status).toBe('FAILED');
    const text = readFileSync(join(dir, '.ferry/verdicts/api/15-staging-log.md'), 'utf8');
    expect(parseVerdict(text, 'staging').frontmatter).toMatchObject({ staging_status: 'FAILED', exit_code: -1 });
    expect(text).toContain('Staging test suite FAILED (the check did not run to completion). See details below.');
    expect(text).toContain('timed out after 1000 ms');
    // What it printed before it hung is kept, and the hung process is stopped, not left in staging.
    expect(text).toContain('output before it was stopped:\nstarted-the-check');
    expect(text).toMatch(/the process \(host pid \d+\) was killed/);
    const ps = await rt.exec(staging, ['ps']);
    expect(ps.stdout).not.toContain('sleep 37');
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const other = mkdtempSync(join(tmpdir(), 'ferry-stage-dry-'));
    try {
      const svc = resolveService(cfg(['true']), 'staging', 'api', other);
      const r = await runStage({ runtime: rt, svc, home: join(other, '.ferry'), runId: 'stage-dry-1', dryRun: true });
      expect(r.status).toBe('dry_run');
      expect(r.plan.join('\n')).toContain(`docker exec ${staging} true`);
      expect(existsSync(join(other, '.ferry'))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a missing staging container is NOT_FOUND', async () => {
    const e = environments({
      staging: { services: { api: { container: uniqueName('nope'), image: 'x:y', check: ['true'] } } },
    });
    const svc = resolveService(e, 'staging', 'api', dir);
    await expect(
      runStage({ runtime: rt, svc, home: join(dir, '.ferry'), runId: 'stage-missing-1', dryRun: false }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
