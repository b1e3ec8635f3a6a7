// The published shapes of `ferry stage|promote|self-deploy|finalize --json` (schema/*-result.schema.json).
// Typecheck holds each equal to the interface the code builds, so neither can change alone.
import { z } from 'zod';
import { serializedErrorSchema } from '../engine/schemas.js';
import type { Assert, SameShape } from '../util/same-shape.js';
import type { FinalizeResult } from './finalize.js';
import type { PromoteResult } from './promote.js';
import type { SelfDeployResult } from './self-deploy.js';
import type { StageResult } from './stage.js';

/** The seed's verdict words (staging_status / deploy_status), plus dry_run. */
const VERDICT_STATUS = z.enum(['SUCCESS', 'FAILED', 'dry_run']);
const plan = z.array(z.string()).describe('what the run does (or would do under --dry-run), one line per step');

export const stageResultSchema = z.strictObject({
  skill: z.literal('stage'),
  status: VERDICT_STATUS.describe('staging_status of the verdict'),
  run_id: z.string(),
  service: z.string(),
  environment: z.string(),
  container: z.string(),
  image_id: z.string().nullable().describe('the image id the staging container runs (what a promote may ship)'),
  exit_code: z.number().int().nullable().describe("the check's exit code; -1 when it did not complete"),
  output: z.string(),
  verdict: z.string().nullable().describe('path of the verdict file (15-staging-log.md)'),
  plan,
});

export const promoteResultSchema = z.strictObject({
  skill: z.literal('promote'),
  status: VERDICT_STATUS.describe('deploy_status of the verdict'),
  exit_code: z
    .union([z.literal(0), z.literal(1), z.literal(2)])
    .describe('0 healthy, 1 failed before the switch, 2 rolled back'),
  run_id: z.string(),
  service: z.string(),
  environment: z.string(),
  runtime: z.enum(['docker', 'swarm']),
  source_image_id: z.string().nullable(),
  previous_image_id: z.string().nullable(),
  switched: z.boolean(),
  rolled_back: z.boolean(),
  rollback_healthy: z.boolean().nullable(),
  detail: z.string(),
  verdict: z.string().nullable().describe('path of the verdict file (14-deploy-log.md)'),
  error: serializedErrorSchema.nullable(),
  plan,
});

export const selfDeployResultSchema = z.strictObject({
  skill: z.literal('self-deploy'),
  status: z.enum(['dry_run', 'hook_launched', 'already_launched', 'finalized']),
  run_id: z.string(),
  service: z.string(),
  environment: z.string(),
  phase: z.enum(['approval_pending', 'approved', 'hook_launched', 'finalized']).nullable(),
  pid: z.number().int().nullable().describe('pid of the detached hook'),
  exit_file: z.string().describe('where the hook writes its exit code'),
  log_file: z.string(),
  source_image_id: z.string().nullable(),
  plan,
  finalize: z.string().describe('the command that writes the verdict (Phase C)'),
});

/** One service's finalize outcome. */
export const finalizeOneSchema = z.strictObject({
  skill: z.literal('finalize'),
  status: z.enum(['SUCCESS', 'FAILED', 'pending', 'nothing_to_finalize', 'dry_run']),
  run_id: z.string().nullable(),
  service: z.string(),
  hook_exit_code: z.number().int().nullable(),
  rolled_back: z.boolean(),
  detail: z.string(),
  verdict: z.string().nullable(),
  plan,
});

/** `ferry --json finalize`: one line for every service it finalized. */
export const finalizeResultSchema = z.strictObject({
  skill: z.literal('finalize'),
  status: z.enum(['SUCCESS', 'FAILED']).describe('FAILED when any service failed'),
  run_id: z.string().describe('the finalized runs, comma-separated'),
  results: z.array(finalizeOneSchema),
});

export type FinalizeCliResult = z.output<typeof finalizeResultSchema>;

export type StageResultMatchesSchema = Assert<SameShape<z.output<typeof stageResultSchema>, StageResult>>;
export type PromoteResultMatchesSchema = Assert<SameShape<z.output<typeof promoteResultSchema>, PromoteResult>>;
export type SelfDeployResultMatchesSchema = Assert<
  SameShape<z.output<typeof selfDeployResultSchema>, SelfDeployResult>
>;
export type FinalizeResultMatchesSchema = Assert<SameShape<z.output<typeof finalizeOneSchema>, FinalizeResult>>;
