// A tiny pipeline used by the engine's own tests as a real child process (hidden command
// `ferry _selftest`, only registered when FERRY_TEST_COMMANDS=1). Each step appends its id to a
// file once; its check() makes it idempotent, so kill -9 anywhere and resume yields each line once.
import { appendFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, FerryError } from '../errors.js';
import { openRun, writeResult, type EngineOptions } from './run.js';
import type { Step } from './types.js';
import type { SelftestResult } from './schemas.js';

export interface SelftestOptions {
  out: string;
  steps: number;
  sleepMs: number;
  /** Step that fails until `<out>.fixed` exists. */
  failStep?: string;
  /** Logged (it must come out redacted). */
  secret?: string;
  runId: string;
  resume: boolean;
}

interface Data {
  out: string;
  ids: string[];
}

/** Behaviour knobs come from the current invocation, not the persisted data. */
interface Knobs {
  sleepMs: number;
  failStep: string | null;
}

async function lines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function step(id: string, k: Knobs): Step<Data> {
  return {
    id,
    title: `append ${id}`,
    describe: (ctx) => [{ kind: 'edit', text: `append "${id}" to ${ctx.data.out}` }],
    check: async (ctx) => ((await lines(ctx.data.out)).includes(id) ? { status: 'completed' } : undefined),
    run: async (ctx) => {
      if (k.failStep === id && !existsSync(`${ctx.data.out}.fixed`)) {
        throw new FerryError(ErrorCode.STEP_FAILED, `${id} failed on purpose`, { fix: `touch ${ctx.data.out}.fixed` });
      }
      await appendFile(ctx.data.out, `${id}\n`);
      // The side effect is done; a kill during this sleep leaves the step "running" in state.
      await sleep(k.sleepMs, undefined, { signal: ctx.signal });
      return { output: { wrote: id } };
    },
  };
}

export async function runSelftest(
  o: SelftestOptions,
  engine: EngineOptions,
): Promise<{ result: SelftestResult; code: number }> {
  const data: Data = { out: o.out, ids: Array.from({ length: o.steps }, (_, i) => `s${i + 1}`) };
  const knobs: Knobs = { sleepMs: o.sleepMs, failStep: o.failStep ?? null };
  const run = await openRun<Data>(
    {
      pipeline: 'selftest',
      runId: o.runId,
      resume: o.resume,
      data,
      buildSteps: (d) => d.ids.map((id) => step(id, knobs)),
      resumeCommand: `ferry _selftest --resume ${o.runId} --out ${o.out}`,
    },
    engine,
  );
  try {
    if (o.secret) run.log.info(`using secret ${o.secret}`);
    const state = await run.execute();
    const result: SelftestResult = {
      skill: 'selftest',
      status: state.status,
      run_id: state.run_id,
      steps: Object.fromEntries(state.step_order.map((id) => [id, state.steps[id]!.status])),
    };
    await writeResult(engine, o.runId, 'selftest', result);
    return { result, code: state.status === 'completed' || state.status === 'dry_run' ? 0 : 1 };
  } finally {
    await run.close();
  }
}
