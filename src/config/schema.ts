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
  version: z.literal(1, { error: 'expected `version: 1`' }).describe('Format version of this file; always 1.'),
  workspace: z.string().default('.').describe('Where the repos live, relative to ferry.yaml (seed: omni_home).'),
  env_files: z
    .array(z.string())
    .default([])
    .describe(
      'Env files to read (dotenv syntax, never executed). Values whose names look secret are redacted everywhere.',
    ),
  packages: z
    .array(packageSchema)
    .default([])
    .describe('The packages ferry releases, in any order: tiers come from their dependencies.'),
  release: releaseSchema.prefault({}).describe('How `ferry release` bumps, tags, merges, gates and publishes.'),
  registries: registriesSchema
    .default({})
    .describe('Package registries to publish to, by a name of your choice (packages refer to it with `publish:`).'),
  notify: notifySchema.prefault({}).describe('Where notices (release summary, redeploy result) go.'),
  redeploy: redeploySchema.optional().describe('The post-release runtime redeploy (`ferry redeploy`).'),
  deploy: deploySchema.optional().describe('The change-aware deploy (`ferry deploy`).'),
  environments: environmentsSchema
    .optional()
    .describe('Staging and production services for `ferry stage` and `ferry promote`, by environment name.'),
});

export type FerryConfig = z.infer<typeof configSchema>;
export type FerryConfigInput = z.input<typeof configSchema>;
