import { z } from 'zod';
import { argvSchema, safeNameSchema } from './common.js';
import { dockerRuntimeSchema } from './runtime.js';

/** Values handed to git as positional arguments must not look like options. */
const notOption = (what: string) =>
  z
    .string()
    .min(1)
    .refine((s) => !s.startsWith('-'), { error: `${what} must not start with '-'` });

const actionSchema = z.union([
  z.strictObject({
    builtin: z
      .enum(['build', 'recreate', 'restart', 'start'])
      .describe('A built-in step: build the image, recreate, restart or start the containers.'),
    confirm: z
      .boolean()
      .optional()
      .describe('Ask for confirmation before running this step even when its action is safe.'),
  }),
  z.strictObject({
    command: argvSchema.describe('A command to run from the repo root instead of a built-in step.'),
    title: z
      .string()
      .optional()
      .describe('Shown instead of the command line in reports ("Sync code to VM + deploy to Ray").'),
    confirm: z
      .boolean()
      .optional()
      .describe('Mark a destructive command: the whole action then asks for confirmation.'),
  }),
]);
export type DeployActionStepConfig = z.infer<typeof actionSchema>;

export const deploySchema = z.strictObject({
  repo: z
    .string()
    .optional()
    .describe('The repo whose local changes are analysed, relative to ferry.yaml (default: its directory).'),
  paths: z
    .array(
      z.strictObject({
        glob: z.string().describe('A glob over repo-relative paths, e.g. docker/**.'),
        class: z
          .enum(['code', 'config', 'build', 'env', 'ignore'])
          .describe('What a change to a matching path means for the deploy decision.'),
      }),
    )
    .optional()
    .describe(
      'Path classes: glob \u2192 class. First match wins. Defaults follow the seed (see src/deploy/classify.ts).',
    ),
  config_repos: z
    .array(
      z.strictObject({
        name: safeNameSchema.describe('Name shown in reports and used in the last-deploy state.'),
        url: notOption('config repo url').describe('Clone URL or path of the config repo.'),
        ref: notOption('config repo ref')
          .default('HEAD')
          .describe('Branch, tag or commit whose head is compared with the last deploy.'),
      }),
    )
    .default([])
    .describe('Git repos holding deployment config; a new commit on `ref` counts as a config change.'),
  actions: z
    .strictObject({
      redeploy: z.array(actionSchema).optional().describe('Steps for the `redeploy` decision (default: restart).'),
      rebuild: z
        .array(actionSchema)
        .optional()
        .describe('Steps for the `rebuild` decision (default: build, then recreate).'),
      restart: z.array(actionSchema).optional().describe('Steps for the `restart` decision (default: restart).'),
      start: z
        .array(actionSchema)
        .optional()
        .describe('Steps for the `start` decision, when the containers are not running (default: start).'),
      status: z
        .array(actionSchema)
        .optional()
        .describe('Commands run for "status check only" (seed: just orb-status); read-only.'),
    })
    .prefault({})
    .describe(
      'What each decision runs. Defaults: rebuild \u2192 build+recreate, restart/redeploy \u2192 restart, start \u2192 start.',
    ),
  runtime: dockerRuntimeSchema
    .optional()
    .describe('The Docker runtime the built-in steps act on (image, services, build context).'),
  checks: z
    .record(z.string(), z.string().url())
    .default({})
    .describe('HTTP checks: name \u2192 URL, expected 2xx/3xx.'),
  verify: z
    .strictObject({
      retries: z
        .number()
        .int()
        .nonnegative()
        .default(5)
        .describe('How many times each health check is retried before the deploy fails.'),
      interval_seconds: z.number().nonnegative().default(2).describe('Pause between health check retries.'),
      timeout_seconds: z.number().positive().default(5).describe('Time limit of one health check request.'),
    })
    .prefault({})
    .describe('After executing: how long health checks may take to pass.'),
  state_file: z
    .string()
    .default('.ferry/last-deploy.json')
    .describe('Where the last successful deploy is recorded, relative to ferry.yaml.'),
});
export type DeployConfig = z.infer<typeof deploySchema>;
export type DeployConfigInput = z.input<typeof deploySchema>;
