// Small glue shared by the stage / promote / self-deploy / finalize pipelines on the engine
// (src/engine/run.ts): engine options from a flow's options, intent helpers, and keeping the
// original error object of a failed step so a command can rethrow it with its `fix`.

import type { EngineOptions } from '../engine/run.js';
import type { Intent, RunState, Step } from '../engine/types.js';

export interface FlowEngine {
  /** The ferry home (.ferry/). */
  home: string;
  dryRun: boolean;
  /** Renderer / verbose from the CLI; stateDir and dryRun always come from home / dryRun. */
  engine?: Partial<EngineOptions>;
}

export function engineOptions(o: FlowEngine): EngineOptions {
  return { verbose: false, ...o.engine, stateDir: o.home, dryRun: o.dryRun };
}

export const exec = (text: string): Intent => ({ kind: 'exec', text });
export const edit = (text: string): Intent => ({ kind: 'edit', text });
export const api = (text: string): Intent => ({ kind: 'api', text });
export const note = (text: string): Intent => ({ kind: 'note', text });

/** Wraps every step's check/run so the first thrown error (with its fix) is kept for the caller. */
export function keepErrors<D>(steps: Step<D>[], holder: { error: unknown }): Step<D>[] {
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await f(...a);
      } catch (e) {
        holder.error ??= e;
        throw e;
      }
    };
  return steps.map((s) => ({ ...s, run: wrap(s.run.bind(s)), ...(s.check ? { check: wrap(s.check.bind(s)) } : {}) }));
}

/** Every not-yet-done step's intents as plain lines (the result's `plan`). */
export function planLines<D>(steps: Step<D>[], state: RunState<D>): string[] {
  const ctx = { data: state.data } as Parameters<Step<D>['describe']>[0];
  return steps
    .filter((s) => !['completed', 'skipped'].includes(state.steps[s.id]?.status ?? 'pending'))
    .flatMap((s) => s.describe(ctx).map((i) => i.text));
}

/** The first failed step's record, if any. */
export function failedStep<D>(state: RunState<D>): string | undefined {
  return state.step_order.find((id) => state.steps[id]?.status === 'failed');
}
