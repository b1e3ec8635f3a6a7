import { describe, expect, it } from 'vitest';
import { planImageUpdate, pinnedRef, healthCheckSpec } from '../src/adapters/runtime/swarm-plan.js';
import { localHookPlan, sshHookPlan, RECORDER_JS } from '../src/promote/hook-launch.js';
import { verdictFromExitCode } from '../src/promote/finalize.js';
import { fillArgv, resolveService } from '../src/promote/service.js';
import { planStage } from '../src/promote/stage.js';
import { promoteExitCode, promoteResult, type PromoteData } from '../src/promote/promote.js';
import type { RunState } from '../src/engine/types.js';
import { environments } from './promote-helpers.js';

describe('swarm update plan', () => {
  it('is `docker service update --image` with start-first, failure_action rollback, monitor, healthcheck', () => {
    const current = {
      Name: 'api',
      Labels: { a: 'b' },
      TaskTemplate: { ContainerSpec: { Image: 'app:ferry-111', Env: ['X=1'] }, RestartPolicy: { Condition: 'any' } },
    };
    const next = planImageUpdate(current, 'app:ferry-222', {
      order: 'start-first',
      monitorMs: 5000,
      parallelism: 1,
      healthCheck: {
        test: ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/health'],
        intervalMs: 1000,
        timeoutMs: 2000,
        retries: 3,
        startPeriodMs: 500,
      },
    });
    expect(next).toEqual({
      Name: 'api',
      Labels: { a: 'b' },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'app:ferry-222',
          Env: ['X=1'],
          HealthCheck: {
            Test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1/health'],
            Interval: 1e9,
            Timeout: 2e9,
            Retries: 3,
            StartPeriod: 5e8,
          },
        },
        RestartPolicy: { Condition: 'any' },
      },
      UpdateConfig: {
        Parallelism: 1,
        Delay: 0,
        FailureAction: 'rollback',
        Monitor: 5e9,
        MaxFailureRatio: 0,
        Order: 'start-first',
      },
      RollbackConfig: {
        Parallelism: 1,
        Delay: 0,
        FailureAction: 'pause',
        Monitor: 5e9,
        MaxFailureRatio: 0,
        Order: 'start-first',
      },
    });
    expect(current.TaskTemplate.ContainerSpec.Image).toBe('app:ferry-111'); // input untouched
    expect(healthCheckSpec({ test: ['true'], intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 0 }).Test).toEqual(
      ['CMD', 'true'],
    );
  });

  it('pins an immutable tag per image id', () => {
    expect(pinnedRef('registry:5000/org/app:prod', 'sha256:0123456789abcdef0123')).toBe(
      'registry:5000/org/app:ferry-0123456789ab',
    );
    expect(pinnedRef('app', 'sha256:abcdefabcdef99')).toBe('app:ferry-abcdefabcdef');
  });
});

describe('self-deploy hook launch plans', () => {
  it('local: node -e <recorder> exitFile hook…', () => {
    const p = localHookPlan('/usr/bin/node', ['ferry', 'promote', 'api', '--hook-mode'], '/s/exit-code', '/s/hook.log');
    expect(p).toEqual({
      file: '/usr/bin/node',
      args: ['-e', RECORDER_JS, '/s/exit-code', 'ferry', 'promote', 'api', '--hook-mode'],
      exitFile: '/s/exit-code',
      logFile: '/s/hook.log',
      remote: false,
    });
  });

  it('ssh: one quoted remote line with setsid -f, the exit code recorded atomically', () => {
    const p = sshHookPlan(
      'deploy@prod-1',
      ['ferry', 'promote', 'api', '--env', 'production', '--hook-mode'],
      '/srv/.ferry/x/exit-code',
      '/srv/.ferry/x/hook.log',
    );
    expect(p.file).toBe('ssh');
    expect(p.args.slice(0, 4)).toEqual(['-o', 'BatchMode=yes', 'deploy@prod-1', '--']);
    // The detached shell holds no fd of the ssh channel, so ssh returns at once (test/promote-ssh.test.ts has the rest).
    expect(p.args[4]).toMatch(
      /^setsid -f sh -c '.*ferry promote api --env production --hook-mode >>\/srv\/.ferry\/x\/hook.log 2>&1; code=\$\?;.*mv \/srv\/.ferry\/x\/exit-code.tmp \/srv\/.ferry\/x\/exit-code' <\/dev\/null >>\/srv\/.ferry\/x\/hook.log 2>&1$/,
    );
  });
});

describe('finalize mapping (seed: 0 → SUCCESS, 1|2|other → FAILED)', () => {
  it.each([
    [0, 'SUCCESS'],
    [1, 'FAILED'],
    [2, 'FAILED'],
    [137, 'FAILED'],
    [null, 'FAILED'],
  ] as const)('%s → %s', (code, status) => {
    expect(verdictFromExitCode(code)).toBe(status);
  });
});

describe('service resolution and staging plan', () => {
  const envs = environments({
    staging: {
      services: {
        api: {
          container: 'api-staging',
          image: 'app:staging',
          base_url: 'http://localhost:8501',
          check: ['python3', '/repos/x/staging_check.py', '--base-url', '{base_url}', '--mode', 'stub'],
        },
      },
    },
    production: { verdict_dir: '/abs/verdicts', services: { api: { container: 'api', image: 'app:prod' } } },
  });

  it('fills placeholders into the argv (never a shell string)', () => {
    const svc = resolveService(envs, 'staging', 'api', '/cfg');
    expect(svc.verdictDir).toBe('/cfg/.ferry/verdicts');
    expect(svc.promoteFrom).toBe('staging');
    expect(planStage(svc, 'api-staging', 'r1').argv).toEqual([
      'python3',
      '/repos/x/staging_check.py',
      '--base-url',
      'http://localhost:8501',
      '--mode',
      'stub',
    ]);
    expect(fillArgv(['{unknown}', '{service}'], { service: 'api' })).toEqual(['{unknown}', 'api']);
    expect(resolveService(envs, 'production', 'api', '/cfg').verdictDir).toBe('/abs/verdicts');
  });

  it('bad names and unknown services are clear errors', () => {
    expect(() => resolveService(envs, 'staging', 'api; rm -rf /', '/cfg')).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(() => resolveService(envs, 'staging', 'nope', '/cfg')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => resolveService(envs, 'qa', 'api', '/cfg')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => resolveService(undefined, 'staging', 'api', '/cfg')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => planStage(resolveService(envs, 'production', 'api', '/cfg'), 'api', 'r')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('the schema rejects shell characters in container and image names', () => {
    expect(() => environments({ p: { services: { a: { container: 'x y', image: 'app:1' } } } })).toThrow();
    expect(() => environments({ p: { services: { a: { container: 'x', image: 'app:1;rm' } } } })).toThrow();
  });
});

describe('promote exit code from the run state (0 healthy / 1 before the switch / 2 after it)', () => {
  const state = (over: {
    health?: boolean | null;
    switchAttempts?: number;
    failed?: string;
  }): RunState<PromoteData> => ({
    schema_version: 1,
    run_id: 'promote-1',
    pipeline: 'promote',
    status: 'failed',
    started_at: '',
    updated_at: '',
    step_order: ['VERIFY_STAGING', 'SWITCH', 'HEALTH'],
    steps: {
      VERIFY_STAGING: {
        status: over.failed === 'VERIFY_STAGING' ? 'failed' : 'completed',
        attempts: 1,
        error:
          over.failed === 'VERIFY_STAGING'
            ? { code: 'STAGING_STALE', message: 'stale', fix: null, retryable: false, details: {} }
            : null,
      },
      SWITCH: { status: (over.switchAttempts ?? 0) > 0 ? 'completed' : 'blocked', attempts: over.switchAttempts ?? 0 },
      HEALTH: { status: 'completed', attempts: 1 },
    },
    data: {
      service: 'api',
      environment: 'production',
      staging_environment: 'staging',
      runtime: 'docker',
      hook_mode: false,
      source_image_id: 'sha256:b',
      previous_image_id: 'sha256:a',
      retagged: [],
      switch: null,
      health: over.health == null ? null : { healthy: over.health, detail: 'd' },
      rollback: null,
      verdict: null,
      error: null,
    },
  });

  it('maps the state', () => {
    expect(promoteExitCode(state({ health: true, switchAttempts: 1 }))).toBe(0);
    expect(promoteExitCode(state({ health: false, switchAttempts: 1 }))).toBe(2);
    expect(promoteExitCode(state({ failed: 'VERIFY_STAGING' }))).toBe(1);
    const r = promoteResult(state({ failed: 'VERIFY_STAGING' }), []);
    expect(r).toMatchObject({ status: 'FAILED', exit_code: 1, switched: false, error: { code: 'STAGING_STALE' } });
  });
});
