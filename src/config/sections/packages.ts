import { z } from 'zod';
import { safeNameSchema } from './common.js';

export const packageSchema = z.strictObject({
  /** Distribution name as published (pyproject `name` / package.json `name`). */
  name: safeNameSchema,
  /** Repo: a directory under `workspace`, or a git URL. Defaults to the package name. */
  repo: z.string().optional(),
  /** Package directory inside the repo (monorepos). Default: repo root. */
  path: z.string().default('.'),
  ecosystem: z.enum(['python', 'npm']),
  /** Registry key under `registries:` to publish to, or false for no publish. */
  publish: z.union([z.string(), z.literal(false)]).default(false),
  /** Seed tier graph; computed from declared dependencies when omitted. */
  tier: z.number().int().positive().optional(),
  /** Internal dependencies (configured package names) in addition to those read from the manifest. */
  depends_on: z.array(safeNameSchema).optional(),
});
export type PackageConfig = z.infer<typeof packageSchema>;
