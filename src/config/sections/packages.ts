import { z } from 'zod';
import { tagTemplateSchema } from './release.js';

/**
 * A distribution name: PyPI (letters, digits, . _ -) or npm (the same, with an optional `@scope/`).
 * No spaces or shell characters, and never a leading `-` (it would read as an option in argv).
 */
export const packageNameSchema = z.string().regex(/^(@[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  error:
    'expected a package name: letters, digits and . _ - with an optional npm @scope/ (no spaces or shell characters)',
});

export const packageSchema = z.strictObject({
  name: packageNameSchema.describe('Distribution name as published (pyproject `name` / package.json `name`).'),
  repo: z
    .string()
    .regex(/^[^\s-][^\s]*$/, { error: 'expected a directory under workspace or a git URL (no spaces, no leading -)' })
    .optional()
    .describe('Repo: a directory under `workspace`, or a git URL. Defaults to the package name.'),
  path: z
    .string()
    .regex(/^(?!\/)(?!-)(?!.*(^|\/)\.\.(\/|$))[^\s]+$/, {
      error: 'expected a relative path inside the repo (no spaces, no .., no leading / or -)',
    })
    .default('.')
    .describe('Package directory inside the repo (monorepos). Default: repo root.'),
  ecosystem: z
    .enum(['python', 'npm'])
    .describe('How the package is versioned, built and published: Python (pyproject.toml) or npm (package.json).'),
  publish: z
    .union([z.string(), z.literal(false)])
    .default(false)
    .describe('Registry key under `registries:` to publish to, or false for no publish.'),
  tier: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Seed tier graph; computed from declared dependencies when omitted.'),
  tag: tagTemplateSchema
    .optional()
    .describe(
      "This package's tag template (default release.tag), e.g. `v{version}`, `{name}@{version}`, `{dir}-v{version}`.",
    ),
  version_files: z
    .array(
      z.string().regex(/^(?!\/)(?!-)(?!.*(^|\/)\.\.(\/|$))[^\s]+$/, {
        error: 'expected a relative path inside the package directory (no spaces, no .., no leading / or -)',
      }),
    )
    .optional()
    .describe(
      'Files besides the manifest that hold the version (relative to the package directory), updated by BUMP: Python modules with `__version__ = "\u2026"` (e.g. `src/acme/__init__.py`, `acme/_version.py`).',
    ),
  depends_on: z
    .array(packageNameSchema)
    .optional()
    .describe('Internal dependencies (configured package names) in addition to those read from the manifest.'),
  ignore_deps: z
    .array(packageNameSchema)
    .optional()
    .describe(
      "Declared dependencies (manifest names) that must not order this package's release: breaks a cycle the manifests make. The dependency stays in the manifest; ferry no longer waits for it.",
    ),
  main_branch: z
    .string()
    .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, { error: 'expected a branch name (letters, digits, . _ / -)' })
    .optional()
    .describe('Branch this package is released from (cut, merged into, tagged on). Default: release.main_branch.'),
  bump_minor_pre_major: z
    .boolean()
    .optional()
    .describe('Pre-1.0 policy for this package (default release.bump_minor_pre_major): breaking under 1.0.0 → minor.'),
  bump_patch_for_minor_pre_major: z
    .boolean()
    .optional()
    .describe(
      'Pre-1.0 policy for this package (default release.bump_patch_for_minor_pre_major): feat under 1.0.0 → patch.',
    ),
});
export type PackageConfig = z.infer<typeof packageSchema>;
