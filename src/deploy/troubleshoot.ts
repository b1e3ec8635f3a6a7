// Failure-report hints: specific troubleshooting and manual recovery per error code and phase. Pure.
import { quoteArg } from '../util/process.js';
import { short } from './decide.js';
import { rerunCommand, type DeployPlan } from './plan.js';
import type { LastDeployState } from './types.js';

export interface TroubleInput {
  code: string;
  /** Failed step id (ACTION-n, STATE, VERIFY) or 'analysis' / 'plan'. */
  phase: string;
  fix: string | null;
  plan: DeployPlan | null;
  containers: string[];
  checks: Array<{ name: string; url: string }>;
  statusCommands: string[];
  runLog: string | null;
  /** Titles of the plan steps that completed before the failure, in order. */
  completed: string[];
  /** The last-deploy state before the run and after the failure (equal when nothing was written). */
  stateBefore: LastDeployState | null;
  stateAfter: LastDeployState | null;
  stateFile: string;
  /** Where commands run (the project repo). */
  cwd: string;
}

export function troubleshooting(t: TroubleInput): { troubleshooting: string[]; manualRecovery: string[] } {
  const tips: string[] = [];
  const recovery: string[] = [];
  const idx = /^ACTION-(\d+)$/.exec(t.phase);
  const step = idx && t.plan ? t.plan.steps[Number(idx[1]) - 1] : undefined;
  switch (t.code) {
    case 'RUNTIME_UNAVAILABLE':
      tips.push('Is Docker running and reachable? Check: docker info');
      break;
    case 'NOT_FOUND':
      tips.push(
        `A service container does not exist; ferry starts, restarts and recreates existing containers only. Check: docker ps -a --filter name=${t.containers[0] ?? '<container>'}`,
      );
      recovery.push('Create the container once (docker run … / docker compose up -d), then re-run: ferry deploy');
      break;
    case 'HEALTH_FAILED':
      for (const c of t.containers) tips.push(`Check the logs: docker logs --tail 50 ${c}`);
      for (const c of t.checks) tips.push(`Check ${c.name}: curl -s -o /dev/null -w "%{http_code}" ${c.url}`);
      break;
    case 'DIGEST_MISMATCH':
      tips.push(
        'A container still runs an older image: a restart keeps the image a container was created from; only a recreate switches it.',
      );
      if (t.fix) recovery.push(t.fix);
      break;
    case 'CONFIRMATION_REQUIRED':
    case 'GATE_REJECTED':
      tips.push('Nothing was changed.');
      break;
    default:
      if (step?.kind === 'builtin' && step.op === 'build')
        tips.push(`Check the Dockerfile and build context by hand: cd ${quoteArg(t.cwd)} && ${step.text}`);
      if (step?.kind === 'command')
        tips.push(`Run the failed command by hand to see its full output: cd ${quoteArg(t.cwd)} && ${step.text}`);
      else if (t.fix) tips.push(`Suggested fix: ${t.fix}`);
  }
  for (const s of t.statusCommands) tips.push(`Check status: ${s}`);
  if (t.containers.length)
    tips.push(`Check containers: docker ps -a --filter name=${t.containers.join(' --filter name=')}`);
  // commands.log exists once a step ran a command; built-in steps (docker build via the API) log to events.jsonl.
  if (t.runLog)
    tips.push(
      t.runLog.endsWith('commands.log')
        ? `Every command and its output: ${t.runLog}`
        : `The run's log (build output, every step): ${t.runLog}`,
    );
  // Only what actually happened: the steps that completed and what the state file now records.
  if (t.completed.length) recovery.push(`Completed before the failure: ${t.completed.join('; ')}.`);
  const recorded = stateChanges(t.stateBefore, t.stateAfter);
  if (recorded.length) recovery.push(`${t.stateFile} now records ${recorded.join(', ')}.`);
  const done = t.plan?.steps.slice(0, t.completed.length) ?? [];
  if (
    done.some((s) => s.kind === 'builtin' && s.op === 'build') &&
    !done.some((s) => s.kind === 'builtin' && s.op === 'recreate')
  ) {
    recovery.push(
      'The new image is built but no service was recreated from it yet: they still run the previous image.',
    );
  }
  if (t.code !== 'CONFIRMATION_REQUIRED' && t.code !== 'GATE_REJECTED') {
    if (step?.kind === 'builtin' && (step.op === 'restart' || step.op === 'start' || step.op === 'recreate'))
      recovery.push(`Bring services back by hand if needed: docker start ${step.containers.join(' ')}`);
    // A rebuild or full restart asks again on the re-run; say the command that proceeds.
    const rerun = t.plan ? rerunCommand(t.plan) : 'ferry deploy';
    recovery.push(
      `Fix the cause above, then re-run \`${rerun}\` (it analyses again and only does what is still needed).`,
    );
  }
  return { troubleshooting: tips, manualRecovery: recovery };
}

/** What a failed run wrote to the last-deploy state, in words ("image sha256:…", "code commit abc1234"). */
export function stateChanges(before: LastDeployState | null, after: LastDeployState | null): string[] {
  if (!after || JSON.stringify(before) === JSON.stringify(after)) return [];
  const out: string[] = [];
  const commits = Object.entries(after.config_commits).filter(([k, v]) => before?.config_commits[k] !== v);
  if (commits.length) out.push(`config commits ${commits.map(([k, v]) => `${k} ${short(v)}`).join(', ')}`);
  if (after.docker_image_digest && after.docker_image_digest !== before?.docker_image_digest)
    out.push(`image ${after.docker_image_tag ?? ''} ${after.docker_image_digest}`.replace('  ', ' '));
  else if (after.docker_image_tag && after.docker_image_tag !== before?.docker_image_tag)
    out.push(`image ${after.docker_image_tag}`);
  else if (after.build_timestamp && after.build_timestamp !== before?.build_timestamp)
    out.push(`a build at ${after.build_timestamp} (no image reported)`);
  if (after.code_commit && after.code_commit !== before?.code_commit)
    out.push(`code commit ${short(after.code_commit)}`);
  if (!out.length) out.push(`a new timestamp (${after.timestamp})`);
  return out;
}
