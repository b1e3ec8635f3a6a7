import { z } from 'zod';
import { argvSchema, envNameSchema } from './common.js';

export const npmRegistrySchema = z.strictObject({
  kind: z.literal('npm'),
  /** Registry URL used for publish and for reading packuments. */
  url: z.string().url(),
  token_env: envNameSchema.default('NPM_TOKEN'),
  timeout_minutes: z.number().positive().default(10),
  /** `npm publish --access` (scoped packages on npmjs.org need `public` on first publish). */
  access: z.enum(['public', 'restricted']).optional(),
  /** dist-tag for `npm publish --tag`; npm's default is `latest`. */
  tag: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9._-]*$/, { error: 'expected a dist-tag such as latest or next' })
    .optional(),
});

export const pypiRegistrySchema = z.strictObject({
  kind: z.literal('pypi'),
  /** Upload endpoint (legacy API used by twine). */
  url: z.string().url(),
  /** Index root serving /simple/ (PEP 503/691) and /pypi/<name>/json. */
  index: z.string().url(),
  username: z.string().default('__token__'),
  token_env: envNameSchema.default('PYPI_TOKEN'),
  timeout_minutes: z.number().positive().default(10),
  /** Python interpreter for build and twine; default /usr/bin/python3 when it exists, else python3. */
  python: z.string().min(1).optional(),
  /** Build command run in the package dir; `{dist}` is the output dir, `{python}` the interpreter. */
  build: argvSchema.default(['{python}', '-m', 'build', '--no-isolation', '--outdir', '{dist}', '.']),
  /** twine command (argv prefix); default `{python} -m twine`. */
  twine: argvSchema.default(['{python}', '-m', 'twine']),
  /**
   * Normalise sdist timestamps/owners (and set SOURCE_DATE_EPOCH for wheels) so a rebuild of the
   * same source has the same sha256 — what makes "already uploaded, skip" work on resume.
   */
  reproducible: z.boolean().default(true),
});

export const registrySchema = z.discriminatedUnion('kind', [npmRegistrySchema, pypiRegistrySchema]);

export const registriesSchema = z.record(z.string(), registrySchema);
export type RegistryConfig = z.infer<typeof registrySchema>;
export type NpmRegistryConfig = z.infer<typeof npmRegistrySchema>;
export type PypiRegistryConfig = z.infer<typeof pypiRegistrySchema>;
