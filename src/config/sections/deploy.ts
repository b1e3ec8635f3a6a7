import { z } from 'zod';
import { argvSchema } from './common.js';
import { dockerRuntimeSchema } from './runtime.js';

const actionSchema = z.union([
  z.strictObject({ builtin: z.enum(['build', 'recreate', 'restart', 'start']) }),
  z.strictObject({ command: argvSchema }),
]);

export const deploySchema = z.strictObject({
  /** Path classes: glob → class. First match wins. Defaults follow the seed. */
  paths: z
    .array(z.strictObject({ glob: z.string(), class: z.enum(['code', 'config', 'build', 'env', 'ignore']) }))
    .optional(),
  config_repos: z.array(z.strictObject({ name: z.string(), url: z.string(), ref: z.string().default('HEAD') })).default([]),
  /** What each decision runs. */
  actions: z
    .strictObject({
      redeploy: z.array(actionSchema).optional(),
      rebuild: z.array(actionSchema).optional(),
      restart: z.array(actionSchema).optional(),
      start: z.array(actionSchema).optional(),
    })
    .prefault({}),
  runtime: dockerRuntimeSchema.optional(),
  /** HTTP checks: name → URL, expected 200. */
  checks: z.record(z.string(), z.string().url()).default({}),
  state_file: z.string().default('.ferry/last-deploy.json'),
});
export type DeployConfig = z.infer<typeof deploySchema>;
