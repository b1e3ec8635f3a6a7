// The published shape of `ferry --json init` (schema/init-result.schema.json). Typecheck holds it equal to
// InitResult (init.ts), so neither can change alone.
import { z } from 'zod';
import type { Assert, SameShape } from '../util/same-shape.js';
import type { InitResult } from './init.js';

export const initResultSchema = z.strictObject({
  configPath: z.string().describe('the ferry.yaml written'),
  overwritten: z.boolean().describe('an existing ferry.yaml was replaced (--force)'),
  packages: z.array(
    z.strictObject({
      name: z.string(),
      ecosystem: z.enum(['python', 'npm']),
      repo: z.string(),
      path: z.string(),
      tier: z.number().int().positive(),
      version: z.string().nullable(),
      deps: z.array(z.string()).describe('packages of the workspace it depends on'),
      tag: z.string().optional().describe("tag template inferred from the repo's tags (when not release.tag's)"),
      version_files: z.array(z.string()).optional().describe('`__version__` modules that hold the version'),
      mainBranch: z.string().optional().describe('the branch the repo releases from, when not main'),
      bump_minor_pre_major: z
        .boolean()
        .optional()
        .describe("pre-1.0 policy read from the repo's release-please config (breaking → minor)"),
      bump_patch_for_minor_pre_major: z
        .boolean()
        .optional()
        .describe("pre-1.0 policy read from the repo's release-please config (feat → patch)"),
    }),
  ),
  tiers: z.array(z.array(z.string())).describe('tiers[0] is tier 1 (no internal dependencies)'),
  gitignore: z.strictObject({ path: z.string(), created: z.boolean(), added: z.boolean() }),
  warnings: z.array(z.string()),
});

export type InitResultMatchesSchema = Assert<SameShape<z.output<typeof initResultSchema>, InitResult>>;
