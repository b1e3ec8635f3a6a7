// The published shape of the last line of `ferry --json demo` (schema/demo-result.schema.json). Typecheck
// holds it equal to DemoResult (index.ts), so neither can change alone.
import { z } from 'zod';
import type { Assert, SameShape } from '../util/same-shape.js';
import type { DemoResult } from './index.js';

export const demoResultSchema = z.strictObject({
  skill: z.literal('demo'),
  status: z.enum(['SUCCESS', 'FAILED']),
  run_id: z.string().nullable().describe('the release run'),
  verified: z
    .strictObject({ release_commits: z.number().int(), tags: z.number().int(), index_files: z.number().int() })
    .nullable()
    .describe('checked outside ferry: release commits on remote main, tags on them, files on the index'),
  deploy: z
    .strictObject({
      versions: z.record(z.string(), z.string()),
      staged_image: z.string().nullable(),
      production_image: z.string().nullable(),
      production_runs_staged_image: z.boolean(),
      run_ids: z.strictObject({ redeploy: z.string(), stage: z.string(), promote: z.string() }),
      containers: z.strictObject({ staging: z.string(), production: z.string() }),
      cleanup: z.array(z.string()).describe("docker commands that remove the demo's containers and images"),
    })
    .nullable()
    .describe('the deploy half (checked with docker inspect); null without Docker'),
  deploy_skipped: z.string().optional().describe('why the deploy half did not run'),
  duration_ms: z.number(),
  kept: z.string().nullable().describe('the demo directory --keep left behind'),
});

export type DemoResultMatchesSchema = Assert<SameShape<z.output<typeof demoResultSchema>, DemoResult>>;
