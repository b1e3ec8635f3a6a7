// The promote backend of a service with a `host:`: every runtime call of the engine steps (RECORD_PREVIOUS,
// RETAG, SWITCH, HEALTH, ROLLBACK) runs on the host as `ssh … ferry promote --hook-step <step>` — the
// same parametrised hook the self-deploy path uses — while the engine run, its events and the verdict
// stay here. Transport failures of SWITCH/HEALTH/ROLLBACK never throw (the interface's contract): they
// are an unhealthy outcome, so the run rolls back or reports ROLLBACK UNHEALTHY with its fix.

import { ErrorCode, FerryError } from '../errors.js';
import { exec as defaultExec, formatCommand, tail, type Exec } from '../util/process.js';
import { messageOf, type HealthOutcome, type PromoteBackend } from './backend.js';
import type { ResolvedService } from './service.js';
import { hookStepArgv, parseHookStepOutput, sshArgv, sshTargetOf, type HookStep, type HookStepArgs } from './ssh.js';

export interface SshBackendOptions {
  /** ferry.yaml here (the remote default when ssh.config is not set). */
  configPath: string;
  /** The runtime backend's own intents (what the host will do), for describe(). */
  inner: Pick<PromoteBackend, 'describe' | 'kind'>;
  exec?: Exec;
}

export interface RemoteHook {
  call(step: HookStep, a?: HookStepArgs): Promise<Record<string, unknown>>;
  argv(step: HookStep, a?: HookStepArgs): string[];
}

/** One hook step over ssh. @throws DEPLOY_FAILED (ssh failed, the step failed, or no answer) */
export function remoteHook(svc: ResolvedService, configPath: string, run: Exec = defaultExec): RemoteHook {
  const target = sshTargetOf(svc);
  const spec = svc.spec;
  // Long enough for the slowest step (health loop, swarm converge + rollback), bounded.
  const slowMs = (Math.max(spec.health_timeout_seconds, spec.update.timeout_seconds) * 2 + 120) * 1000;
  const argv = (step: HookStep, a: HookStepArgs = {}): string[] =>
    sshArgv(target, hookStepArgv(svc, configPath, step, a));
  return {
    argv,
    async call(step, a = {}) {
      const [file, ...args] = argv(step, a);
      const slow = step === 'switch' || step === 'health' || step === 'rollback';
      const r = await run(file!, args, { reject: false, timeoutMs: slow ? slowMs : 120_000 });
      const answer = r.exitCode === 0 ? parseHookStepOutput(r.stdout, step) : null;
      if (answer) return answer;
      const why = r.exitCode === 255 ? 'ssh could not connect' : r.timedOut ? 'timed out' : `exit ${r.exitCode}`;
      throw new FerryError(
        ErrorCode.DEPLOY_FAILED,
        `hook step ${step} on ${target.host} failed (${why}): ${tail(r.stderr || r.stdout, 5) || 'no output'}`,
        {
          fix: formatCommand(file!, args),
        },
      );
    },
  };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const health = (v: Record<string, unknown>): HealthOutcome => ({ healthy: v.healthy === true, detail: str(v.detail) });
const ssh = (host: string, detail: string): string => `ssh ${host}: ${detail}`;

export function sshBackend(svc: ResolvedService, o: SshBackendOptions): PromoteBackend {
  const hook = remoteHook(svc, o.configPath, o.exec);
  const host = svc.spec.host!;
  const safely = async (f: () => Promise<HealthOutcome>): Promise<HealthOutcome> =>
    f().catch((e: unknown) => ({ healthy: false, detail: messageOf(e) }));
  const line = (step: HookStep, a?: HookStepArgs): string => {
    const [file, ...args] = hook.argv(step, a);
    return formatCommand(file!, args);
  };
  return {
    kind: o.inner.kind,
    async currentImageId() {
      const v = await hook.call('current');
      return str(v.image_id) || null;
    },
    async retag(imageId) {
      const v = await hook.call('retag', { image: imageId });
      return Array.isArray(v.tags) ? v.tags.map(String) : [];
    },
    async runs(imageId) {
      return (await hook.call('runs', { image: imageId })).runs === true;
    },
    async switchTo(imageId) {
      try {
        const v = await hook.call('switch', { image: imageId });
        return { ok: v.ok === true, detail: ssh(host, str(v.detail)), autoRolledBack: v.auto_rolled_back === true };
      } catch (e) {
        return { ok: false, detail: messageOf(e), autoRolledBack: false };
      }
    },
    health: (imageId) => safely(async () => health(await hook.call('health', { image: imageId }))),
    rollback: (previous, after) =>
      safely(async () =>
        health(await hook.call('rollback', { image: previous, autoRolledBack: after.autoRolledBack })),
      ),
    describe(imageId, previous) {
      const i = o.inner.describe(imageId, previous);
      const on = (xs: string[]) => xs.map((x) => `on ${host}: ${x}`);
      return {
        retag: [line('retag', { image: imageId }), ...on(i.retag)],
        switch: [line('switch', { image: imageId }), ...on(i.switch)],
        health: [`${line('health', { image: imageId })}`, ...on(i.health)],
        rollback: [
          `on unhealthy: ${line('rollback', { image: previous ?? '<previous image id>' })}`,
          ...on(i.rollback),
        ],
      };
    },
  };
}
