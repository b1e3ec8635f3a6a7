// zod schemas of the files ferry writes (state, events, results). schema/*.json is generated from
// these (npm run schema) and tests validate real outputs against the generated JSON Schemas.
import { z } from 'zod';

export const serializedErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string().nullable(),
  retryable: z.boolean(),
  details: z.record(z.string(), z.unknown()),
});

export const stepRecordSchema = z.object({
  status: z.enum(['pending', 'running', 'completed', 'failed', 'skipped', 'blocked']),
  ts: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  detail: z.string().optional(),
  checkpoint: z.unknown().optional(),
  output: z.record(z.string(), z.unknown()).optional(),
  error: serializedErrorSchema.nullable().optional(),
  durationMs: z.number().optional(),
});

export const runStateSchema = z.object({
  schema_version: z.literal(1),
  run_id: z.string(),
  pipeline: z.string(),
  status: z.enum(['in_progress', 'completed', 'failed', 'partial', 'dry_run']),
  started_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().optional(),
  step_order: z.array(z.string()),
  steps: z.record(z.string(), stepRecordSchema),
  /** The pipeline's seed-shaped fields (release: repos, plan_hash…; redeploy: phases, versions_requested…). */
  data: z.record(z.string(), z.unknown()),
});

export const eventSchema = z.object({
  ts: z.string(),
  run_id: z.string(),
  pipeline: z.string(),
  type: z.enum([
    'run.started',
    'run.resumed',
    'step.started',
    'step.skipped',
    'step.completed',
    'step.failed',
    'step.blocked',
    'gate.requested',
    'gate.approved',
    'gate.rejected',
    'log',
    'run.finished',
  ]),
  step: z.string().optional(),
  title: z.string().optional(),
  group: z.string().optional(),
  status: z.string().optional(),
  level: z.enum(['info', 'warn', 'debug']).optional(),
  message: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** Every result file has at least these (the seeds' ModelSkillResult); pipelines add their fields. */
export const resultBaseSchema = z.looseObject({
  skill: z.string(),
  status: z.string(),
  run_id: z.string(),
});

/** `ferry _selftest --json` (the engine's test pipeline): the run status and each step's status. */
export const selftestResultSchema = z.strictObject({
  skill: z.literal('selftest'),
  status: runStateSchema.shape.status,
  run_id: z.string(),
  steps: z.record(z.string(), stepRecordSchema.shape.status),
});
export type SelftestResult = z.output<typeof selftestResultSchema>;

/** The last line of `--json` output when a command fails before producing a result. */
export const errorOutputSchema = z.object({ ok: z.literal(false), error: serializedErrorSchema });

/** One row of `ferry runs list` (engine/history.ts RunSummary). */
export const runSummarySchema = z.strictObject({
  run_id: z.string(),
  pipeline: z.string(),
  status: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
  steps_total: z.number().int().nonnegative(),
  steps_done: z.number().int().nonnegative(),
  archived: z.boolean(),
  interrupted: z.boolean(),
});
