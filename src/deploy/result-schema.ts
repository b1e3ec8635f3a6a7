// The published shape of `ferry deploy --json` (schema/deploy-result.schema.json). Typecheck holds it equal
// to DeployResult (result.ts), so a field added there without one here fails the build.
import { z } from 'zod';
import { serializedErrorSchema } from '../engine/schemas.js';
import type { Assert, SameShape } from '../util/same-shape.js';
import type { DeployResult } from './result.js';

const SCENARIO = z.enum([
  'remote_config_changed',
  'local_config_changed',
  'code_changed',
  'env_changed',
  'nothing_changed',
  'services_down',
]);
const ACTION = z.enum(['rebuild', 'full_restart', 'redeploy', 'start', 'status']);
const PATH_CLASS = z.enum(['code', 'config', 'build', 'env', 'ignore']);

const commitLine = z.strictObject({ sha: z.string(), short: z.string(), subject: z.string() });
const checkResult = z.strictObject({
  name: z.string(),
  url: z.string(),
  service: z.string().optional().describe('the service whose health URL this is'),
  status: z.number().int().nullable().describe('HTTP status code, or null when there was no response'),
  ok: z.boolean(),
  error: z.string().optional(),
});
const digestWarning = z.strictObject({
  subject: z.string().describe('container name, or the image tag when the tag itself moved'),
  expected: z.string(),
  actual: z.string(),
  message: z.string(),
  fix: z.string(),
});
const lastDeploy = z.strictObject({
  timestamp: z.string(),
  config_commits: z.record(z.string(), z.string()),
  docker_image_tag: z.string().nullable(),
  docker_image_digest: z.string().nullable(),
  build_timestamp: z.string().nullable(),
  code_commit: z.string().nullable(),
  file_hashes: z.record(z.string(), z.string()).optional(),
  image_size: z.string().nullable().optional(),
  image_size_bytes: z.number().nullable().optional(),
  build_duration_seconds: z.number().nullable().optional().describe('how long the last build took'),
});

export const deployResultSchema = z.strictObject({
  skill: z.literal('deploy'),
  status: z.enum(['success', 'failed', 'dry_run', 'confirmation_required', 'rejected']),
  run_id: z.string().nullable(),
  scenario: SCENARIO.describe('the scenario that produced the winning action'),
  scenarios: z.array(SCENARIO).describe('every triggered scenario, strongest first'),
  action: ACTION,
  forced: z
    .strictObject({
      flag: z.enum(['redeploy', 'rebuild', 'restart', 'start', 'status']),
      analysed_action: ACTION.describe('what the analysis alone decided'),
    })
    .nullable()
    .describe('set when --action chose the action'),
  reasons: z.array(
    z.strictObject({
      scenario: z.union([SCENARIO, z.literal('forced')]).describe("'forced': the reason is --action"),
      summary: z.string(),
      details: z.array(z.string()).describe('commit lines and file names'),
    }),
  ),
  warnings: z.array(z.string()),
  needs_confirmation: z.boolean(),
  analysis: z.strictObject({
    head: z.string().nullable(),
    base: z.string().nullable().describe('the last deployed code commit the diff started from'),
    local_changes: z.array(
      z.strictObject({
        path: z.string(),
        class: PATH_CLASS,
        change: z.enum(['modified', 'added', 'deleted', 'renamed', 'untracked', 'changed']),
        source: z.enum(['worktree', 'committed', 'file']),
      }),
    ),
    services: z.array(
      z.strictObject({
        name: z.string(),
        container: z.string(),
        exists: z.boolean(),
        running: z.boolean(),
        status: z.string(),
        imageId: z.string().nullable(),
        image: z.string().nullable(),
        binds: z
          .array(z.strictObject({ source: z.string(), destination: z.string() }))
          .optional()
          .describe('bind mounts: host path → container path'),
      }),
    ),
    checks: z.array(checkResult),
    digest_warnings: z.array(digestWarning),
  }),
  plan: z.strictObject({
    title: z.string().describe('what will run, in words'),
    steps: z.array(z.strictObject({ kind: z.string(), title: z.string(), text: z.string() })),
    updates_state: z.boolean(),
    verifies: z.boolean(),
    missing: z
      .strictObject({
        key: z.enum(['rebuild', 'restart', 'redeploy', 'start', 'status']),
        builtin: z.enum(['build', 'recreate', 'restart', 'start']).nullable(),
        message: z.string(),
        howTo: z.array(z.string()),
      })
      .nullable()
      .describe('the action ferry.yaml does not configure (nothing can run)'),
    code_delivery: z
      .strictObject({
        mode: z.enum(['mounted', 'baked']),
        why: z.string(),
        mounted: z.array(z.string()).describe('containers that see the changed code through a bind mount'),
        baked: z.array(z.string()).describe('containers that do not: a restart would keep the old code'),
      })
      .nullable()
      .describe('built-in redeploy: restart (code mounted) or rebuild + recreate (code baked into the image)'),
  }),
  config_changes: z.array(
    z.strictObject({
      name: z.string(),
      from: z.string().nullable(),
      to: z.string().nullable(),
      changed: z.boolean(),
      commits: z.array(commitLine),
      note: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
  actions_taken: z.array(
    z.strictObject({ title: z.string(), text: z.string(), durationMs: z.number(), imageId: z.string().optional() }),
  ),
  image: z
    .strictObject({
      image_tag: z.string().nullable(),
      image_id: z.string().nullable(),
      build_timestamp: z.string(),
      image_size: z.string().nullable().optional(),
      image_size_bytes: z.number().nullable().optional(),
      build_duration_ms: z.number().nullable().optional().describe('wall time of the build'),
      builtin: z.boolean(),
      verified: z.boolean().nullable(),
    })
    .nullable(),
  verification: z
    .strictObject({
      ok: z.boolean(),
      containers: z.array(
        z.strictObject({
          name: z.string(),
          container: z.string(),
          running: z.boolean(),
          imageId: z.string().nullable(),
          expected: z.string().nullable(),
          matches: z.boolean().nullable(),
        }),
      ),
      checks: z.array(checkResult),
      digestWarnings: z.array(digestWarning),
      problems: z.array(z.string()),
    })
    .nullable(),
  last_deploy: lastDeploy.nullable(),
  state_file: z.string(),
  error: serializedErrorSchema.extend({ phase: z.string() }).nullable(),
  troubleshooting: z.array(z.string()),
  manual_recovery: z.array(z.string()),
});

export type DeployResultMatchesSchema = Assert<SameShape<z.output<typeof deployResultSchema>, DeployResult>>;
