// Every file format ferry writes, as zod schemas. schema/*.json is generated from this registry
// (npm run schema) and tests validate real outputs against the generated JSON Schemas.
import { z } from 'zod';
import {
  errorOutputSchema,
  eventSchema,
  resultBaseSchema,
  runStateSchema,
  runSummarySchema,
  selftestResultSchema,
} from './engine/schemas.js';
import { runViewSchema } from './server/run-view.js';
import { mcpPendingSchema, mcpTextSchema } from './server/mcp-schemas.js';
import { completionOutputSchema, explainOutputSchema, pinsOutputSchema } from './cli/output-schemas.js';
import { hookStepOutputSchema } from './promote/hook-step-schema.js';
import { releaseResultSchema } from './release/result.js';
import { PHASES } from './redeploy/types.js';
import { deployResultSchema } from './deploy/result-schema.js';
import {
  finalizeResultSchema,
  promoteResultSchema,
  selfDeployResultSchema,
  stageResultSchema,
} from './promote/result-schemas.js';
import { initResultSchema } from './config/init-schema.js';
import { demoResultSchema } from './demo/result-schema.js';

const PHASE = z.enum(PHASES);
const PHASE_STATUS = z.enum(['pending', 'running', 'completed', 'failed', 'skipped_by_flag', 'skipped_no_infisical']);

/** Seed redeploy-prompt.md "Skill Result", plus images per service and the failure. */
export const redeployResultSchema = z.strictObject({
  skill: z.literal('redeploy'),
  status: z.enum(['success', 'failed', 'dry_run']),
  run_id: z.string(),
  phases: z.partialRecord(PHASE, PHASE_STATUS),
  pins_applied: z.record(z.string(), z.strictObject({ from: z.string().nullable(), to: z.string() })).nullable(),
  not_in_dockerfile: z.array(z.string()).optional(),
  images: z.record(z.string(), z.string()).optional(),
  pruned_images: z.array(z.string()).optional(),
  error: z.strictObject({ phase: PHASE, code: z.string(), message: z.string() }).nullable().optional(),
  resume: z.string().optional(),
});

/** `ferry --json runs list`. */
export const runsListSchema = z.strictObject({ runs: z.array(runSummarySchema) });

/** `ferry --json runs show <id>` (`--compact`: without `state`); ferry_run_show's structuredContent. */
export const runsShowSchema = z.strictObject({
  summary: runSummarySchema,
  view: runViewSchema,
  state: runStateSchema.optional(),
});

/** `ferry --json config check` when the config is valid (an invalid one is an error-output line). */
export const configCheckSchema = z.strictObject({
  ok: z.literal(true),
  path: z.string(),
  tiers: z.array(z.array(z.string())),
  warnings: z.array(z.string()),
});

/** `ferry --json dashboard`: the line printed once it listens. */
export const dashboardOutputSchema = z.strictObject({ url: z.string() });

export const FILE_SCHEMAS = {
  state: runStateSchema,
  event: eventSchema,
  result: resultBaseSchema,
  'release-result': releaseResultSchema,
  'redeploy-result': redeployResultSchema,
  'deploy-result': deployResultSchema,
  'stage-result': stageResultSchema,
  'promote-result': promoteResultSchema,
  'self-deploy-result': selfDeployResultSchema,
  'finalize-result': finalizeResultSchema,
  'init-result': initResultSchema,
  'demo-result': demoResultSchema,
  'selftest-result': selftestResultSchema,
  'error-output': errorOutputSchema,
  'runs-list': runsListSchema,
  'runs-show': runsShowSchema,
  'config-check': configCheckSchema,
  dashboard: dashboardOutputSchema,
  explain: explainOutputSchema,
  pins: pinsOutputSchema,
  completion: completionOutputSchema,
  'hook-step': hookStepOutputSchema,
  'mcp-pending': mcpPendingSchema,
  'mcp-text': mcpTextSchema,
} as const;

export type SchemaName = keyof typeof FILE_SCHEMAS;

/** The JSON Schemas written to schema/ (also used by the test that keeps schema/ up to date). */
export function jsonSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(FILE_SCHEMAS).map(([name, schema]) => {
      const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
      return [name, { ...json, $id: `https://ferry.dev/schema/${name}.schema.json`, title: `ferry ${name}` }];
    }),
  );
}
