// Every file format ferry writes, as zod schemas. schema/*.json is generated from this registry
// (npm run schema) and tests validate real outputs against the generated JSON Schemas.
import { z } from 'zod';
import { errorOutputSchema, eventSchema, resultBaseSchema, runStateSchema } from './engine/schemas.js';
import { releaseResultSchema } from './release/result.js';
import { PHASES } from './redeploy/types.js';

const PHASE = z.enum(PHASES);
const PHASE_STATUS = z.enum(['pending', 'running', 'completed', 'failed', 'skipped_by_flag', 'skipped_no_infisical']);

/** Seed redeploy-prompt.md "Skill Result", plus images per service and the failure. */
export const redeployResultSchema = z.strictObject({
  skill: z.literal('redeploy'),
  status: z.enum(['success', 'failed', 'dry_run']),
  run_id: z.string(),
  phases: z.partialRecord(PHASE, PHASE_STATUS),
  pins_applied: z.record(z.string(), z.string()).nullable(),
  images: z.record(z.string(), z.string()).optional(),
  error: z.strictObject({ phase: PHASE, code: z.string(), message: z.string() }).nullable().optional(),
  resume: z.string().optional(),
});

export const FILE_SCHEMAS = {
  state: runStateSchema,
  event: eventSchema,
  result: resultBaseSchema,
  'release-result': releaseResultSchema,
  'redeploy-result': redeployResultSchema,
  'error-output': errorOutputSchema,
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
