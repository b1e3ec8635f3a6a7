// `ferry stage <service>` on the engine: INSPECT the staging container (must be running; record its
// image id) → CHECK (run the configured check INSIDE it via the Engine API; exit 0 → SUCCESS, else
// FAILED) → VERDICT (write 15-staging-log.md). A failed check is a FAILED verdict, not a step error.

import { ErrorCode, FerryError } from '../errors.js';
import { openRun, writeResult } from '../engine/run.js';
import type { RunStatus, Step, StepContext } from '../engine/types.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import { formatCommand, stripAnsi } from '../util/process.js';
import { engineOptions, exec, edit, keepErrors, note, planLines, type FlowEngine } from './pipeline.js';
import { fillArgv, type ResolvedService } from './service.js';
import { historyVerdictPath, latestVerdictPath, readLatestVerdict, writeVerdict } from './verdict-store.js';
import type { VerdictStatus } from './verdict.js';

export interface StageOptions extends FlowEngine {
  runtime: ContainerRuntime;
  svc: ResolvedService;
  runId: string;
  /** Continue run `runId` from its first step not done. */
  resume?: boolean;
  /** Container that runs the check; default: the service's container (swarm: a running task's container). */
  container?: string;
  now?: () => Date;
}

export interface StageData {
  service: string;
  environment: string;
  container: string;
  argv: string[];
  image_id: string | null;
  image: string | null;
  exit_code: number | null;
  output: string;
  status: VerdictStatus | null;
  verdict: string | null;
}

export interface StageResult {
  skill: 'stage';
  status: VerdictStatus | 'dry_run';
  run_id: string;
  service: string;
  environment: string;
  container: string;
  image_id: string | null;
  exit_code: number | null;
  output: string;
  verdict: string | null;
  plan: string[];
}

/** exit_code of a check that could not run to completion (timed out, or docker exec itself failed). */
export const NO_EXIT_CODE = -1;

/** Check output kept in the run state and the verdict: its last 64 KiB (test summaries come last). */
export const MAX_CHECK_OUTPUT = 64 * 1024;

/**
 * Pure: the check output as the verdict shows it: escape sequences stripped (the verdict is
 * markdown, not a terminal) and only the last `max` bytes, with a note of how much was cut.
 */
export function clipCheckOutput(text: string, max = MAX_CHECK_OUTPUT): string {
  const clean = stripAnsi(text).replace(/\r\n/g, '\n');
  const bytes = Buffer.byteLength(clean, 'utf8');
  if (bytes <= max) return clean;
  let tail = Buffer.from(clean, 'utf8')
    .subarray(bytes - max)
    .toString('utf8')
    .replace(/^\uFFFD+/, '');
  const nl = tail.indexOf('\n');
  if (nl >= 0 && nl < tail.length - 1) tail = tail.slice(nl + 1); // start on a whole line
  return `[ferry: ${bytes - Buffer.byteLength(tail, 'utf8')} earlier bytes of output omitted; last ${Buffer.byteLength(tail, 'utf8')} bytes follow]\n${tail}`;
}

/** Pure: the check's argv and what stage would do (printed by --dry-run). */
export function planStage(svc: ResolvedService, container: string, runId: string): { argv: string[]; plan: string[] } {
  if (!svc.spec.check) {
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `environments.${svc.environment}.services.${svc.service}.check is not set`,
      {
        fix: `add check: [sh, -c, "..."] under environments.${svc.environment}.services.${svc.service} in ferry.yaml`,
      },
    );
  }
  const baseUrl = svc.spec.base_url ?? '';
  const argv = fillArgv(svc.spec.check, { base_url: baseUrl, service: svc.service, environment: svc.environment });
  return {
    argv,
    plan: [
      `inspect container ${container} (must be running; record its image id)`,
      `docker exec ${container} ${formatCommand(argv[0]!, argv.slice(1))}   (timeout ${svc.spec.check_timeout_seconds}s)`,
      `write ${latestVerdictPath(svc.verdictDir, svc.service, 'staging')} (staging_status: SUCCESS on exit 0, else FAILED)`,
      `write ${historyVerdictPath(svc.verdictDir, svc.service, 'staging', runId)}`,
    ],
  };
}

type Ctx = StepContext<StageData>;

function stageSteps(o: StageOptions, plan: string[]): Step<StageData>[] {
  const { svc } = o;
  return [
    {
      id: 'INSPECT',
      title: 'staging container running; record its image id',
      describe: () => [note(plan[0]!)],
      async run(ctx: Ctx) {
        const c = ctx.data.container;
        const info = await o.runtime.inspectContainer(c);
        if (!info)
          throw new FerryError(ErrorCode.NOT_FOUND, `staging container ${c} not found`, {
            fix: `docker ps -a --filter name=${c}`,
          });
        if (!info.running)
          throw new FerryError(ErrorCode.DEPLOY_FAILED, `staging container ${c} is not running (${info.status})`, {
            fix: `docker start ${c}`,
          });
        ctx.data.image_id = info.imageId;
        ctx.data.image = info.image;
        return { output: { image_id: info.imageId } };
      },
    },
    {
      id: 'CHECK',
      title: 'run the staging check inside the container',
      describe: () => [exec(plan[1]!)],
      async run(ctx: Ctx) {
        let exitCode: number;
        let output: string;
        try {
          const r = await o.runtime.exec(ctx.data.container, ctx.data.argv, {
            timeoutMs: svc.spec.check_timeout_seconds * 1000,
          });
          exitCode = r.exitCode;
          output = clipCheckOutput([r.stdout, r.stderr].filter((s) => s.trim() !== '').join('\n'));
        } catch (e) {
          // A check that cannot even start (missing binary, timeout) is a failed check, with the reason as output.
          exitCode = NO_EXIT_CODE;
          // A timed-out check keeps what it printed before it was stopped (the clue to why it hung).
          const partial = (e as { details?: { stdout?: string; stderr?: string } }).details;
          const printed = [partial?.stdout ?? '', partial?.stderr ?? ''].filter((x) => x.trim() !== '').join('\n');
          output = clipCheckOutput(
            [e instanceof Error ? e.message : String(e), printed ? `output before it was stopped:\n${printed}` : '']
              .filter(Boolean)
              .join('\n'),
          );
        }
        ctx.data.exit_code = exitCode;
        ctx.data.output = output;
        ctx.data.status = exitCode === 0 ? 'SUCCESS' : 'FAILED';
        return { detail: ctx.data.status, output: { exit_code: exitCode } };
      },
    },
    {
      id: 'VERDICT',
      title: 'write the staging verdict',
      describe: () => plan.slice(2).map(edit),
      async check(ctx: Ctx) {
        const v = await readLatestVerdict(svc.verdictDir, svc.service, 'staging').catch(() => null);
        if (!v || v.frontmatter.run_id !== ctx.runId) return undefined;
        ctx.data.verdict = v.path;
        return { detail: 'already_written', output: { verdict: v.path } };
      },
      async run(ctx: Ctx) {
        const d = ctx.data;
        if (!d.status || !d.image_id)
          throw new FerryError(ErrorCode.STATE_CORRUPT, 'no check result in the run state: CHECK must run first');
        const paths = await writeVerdict(svc.verdictDir, {
          kind: 'staging',
          status: d.status,
          timestamp: (o.now?.() ?? new Date()).toISOString(),
          base_url: svc.spec.base_url ?? null,
          image_id: d.image_id,
          run_id: ctx.runId,
          service: svc.service,
          environment: svc.environment,
          extra: { container: d.container, image: d.image, exit_code: d.exit_code },
          summary:
            d.status === 'SUCCESS'
              ? 'Staging test suite completed. All checks passed.'
              : `Staging test suite FAILED (${d.exit_code === NO_EXIT_CODE ? 'the check did not run to completion' : `exit ${d.exit_code}`}). See details below.`,
          output: d.status === 'FAILED' ? d.output : undefined,
        });
        d.verdict = paths.latest;
        return { output: { verdict: paths.latest } };
      },
    },
  ];
}

/**
 * @throws NOT_FOUND (no container), DEPLOY_FAILED (not running), CONFIG_INVALID (no check), LOCKED,
 * STATE_NOT_FOUND — the run's state records the failed step, `--resume` continues it.
 */
export async function runStage(o: StageOptions): Promise<StageResult> {
  const { svc } = o;
  const container = o.container ?? svc.spec.container;
  const { argv, plan } = planStage(svc, container, o.runId);
  const holder: { error: unknown } = { error: null };
  const data: StageData = {
    service: svc.service,
    environment: svc.environment,
    container,
    argv,
    image_id: null,
    image: null,
    exit_code: null,
    output: '',
    status: null,
    verdict: null,
  };
  const run = await openRun<StageData>(
    {
      pipeline: 'stage',
      runId: o.runId,
      resume: Boolean(o.resume),
      data,
      buildSteps: () => keepErrors(stageSteps(o, plan), holder),
      finalStatus: (s, failed): RunStatus => (failed || s.data.status !== 'SUCCESS' ? 'failed' : 'completed'),
      resumeCommand: `ferry stage ${svc.service} --env ${svc.environment} --resume ${o.runId}`,
    },
    engineOptions(o),
  );
  try {
    const lines = planLines(stageSteps(o, plan), run.state);
    const final = await run.execute();
    const d = final.data;
    const result: StageResult = {
      skill: 'stage',
      status: o.dryRun ? 'dry_run' : (d.status ?? 'FAILED'),
      run_id: o.runId,
      service: d.service,
      environment: d.environment,
      container: d.container,
      image_id: d.image_id,
      exit_code: d.exit_code,
      output: d.output,
      verdict: d.verdict,
      plan: lines,
    };
    if (o.dryRun) return result;
    await writeResult(engineOptions(o), o.runId, 'stage', result);
    if (holder.error) throw holder.error;
    return result;
  } finally {
    await run.close();
  }
}
