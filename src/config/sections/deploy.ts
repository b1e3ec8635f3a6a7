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
    builtin: z.enum(['build', 'recreate', 'restart', 'start']),
    /** Ask for confirmation before running this step even when its action is safe. */
    confirm: z.boolean().optional(),
  }),
  z.strictObject({
    command: argvSchema,
    /** Shown instead of the command line in reports ("Sync code to VM + deploy to Ray"). */
    title: z.string().optional(),
    /** Mark a destructive command: the whole action then asks for confirmation. */
    confirm: z.boolean().optional(),
  }),
]);
export type DeployActionStepConfig = z.infer<typeof actionSchema>;

export const deploySchema = z.strictObject({
  /** The repo whose local changes are analysed, relative to ferry.yaml (default: its directory). */
  repo: z.string().optional(),
  /** Path classes: glob → class. First match wins. Defaults follow the seed (see src/deploy/classify.ts). */
  paths: z
    .array(z.strictObject({ glob: z.string(), class: z.enum(['code', 'config', 'build', 'env', 'ignore']) }))
    .optional(),
  config_repos: z
    .array(
      z.strictObject({
        name: safeNameSchema,
        url: notOption('config repo url'),
        ref: notOption('config repo ref').default('HEAD'),
      }),
    )
    .default([]),
  /** What each decision runs. Defaults: rebuild → build+recreate, restart/redeploy → restart, start → start. */
  actions: z
    .strictObject({
      redeploy: z.array(actionSchema).optional(),
      rebuild: z.array(actionSchema).optional(),
      restart: z.array(actionSchema).optional(),
      start: z.array(actionSchema).optional(),
      /** Commands run for "status check only" (seed: just orb-status); read-only. */
      status: z.array(actionSchema).optional(),
    })
    .prefault({}),
  runtime: dockerRuntimeSchema.optional(),
  /** HTTP checks: name → URL, expected 2xx/3xx. */
  checks: z.record(z.string(), z.string().url()).default({}),
  /** After executing: how long health checks may take to pass. */
  verify: z
    .strictObject({
      retries: z.number().int().nonnegative().default(5),
      interval_seconds: z.number().nonnegative().default(2),
      timeout_seconds: z.number().positive().default(5),
    })
    .prefault({}),
  state_file: z.string().default('.ferry/last-deploy.json'),
});
export type DeployConfig = z.infer<typeof deploySchema>;
export type DeployConfigInput = z.input<typeof deploySchema>;
