// The ferry.yaml schema. Every object is strict (unknown keys are errors that name the key).
// Each pipeline's section lives in its own file under ./sections/ so pipelines evolve independently.

import { z } from 'zod';
import { packageSchema } from './sections/packages.js';
import { releaseSchema } from './sections/release.js';
import { registriesSchema } from './sections/registries.js';
import { notifySchema } from './sections/notify.js';
import { redeploySchema } from './sections/redeploy.js';
import { deploySchema } from './sections/deploy.js';
import { environmentsSchema } from './sections/environments.js';

export const configSchema = z.strictObject({
  version: z.literal(1, { error: 'expected `version: 1`' }),
  /** Where the repos live, relative to ferry.yaml (seed: omni_home). */
  workspace: z.string().default('.'),
  /** Env files to source (dotenv syntax, never executed). Values are treated as secrets when their names look secret. */
  env_files: z.array(z.string()).default([]),
  packages: z.array(packageSchema).default([]),
  release: releaseSchema.prefault({}),
  registries: registriesSchema.default({}),
  notify: notifySchema.prefault({}),
  redeploy: redeploySchema.optional(),
  deploy: deploySchema.optional(),
  environments: environmentsSchema.optional(),
});

export type FerryConfig = z.infer<typeof configSchema>;
export type FerryConfigInput = z.input<typeof configSchema>;
