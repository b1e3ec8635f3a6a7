import { z } from 'zod';
import { argvSchema, envNameSchema } from './common.js';

export const npmRegistrySchema = z.strictObject({
  kind: z.literal('npm'),
  url: z.string().url().describe('Registry URL used for publish and for reading packuments.'),
  token_env: envNameSchema.default('NPM_TOKEN').describe('Environment variable holding the npm auth token.'),
  timeout_minutes: z
    .number()
    .positive()
    .default(10)
    .describe('How long to wait for a published version to be served by the registry.'),
  access: z
    .enum(['public', 'restricted'])
    .optional()
    .describe('`npm publish --access` (scoped packages on npmjs.org need `public` on first publish).'),
  tag: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9._-]*$/, { error: 'expected a dist-tag such as latest or next' })
    .optional()
    .describe("dist-tag for `npm publish --tag`; npm's default is `latest`."),
});

export const pypiRegistrySchema = z.strictObject({
  kind: z.literal('pypi'),
  url: z.string().url().describe('Upload endpoint (legacy API used by twine).'),
  index: z.string().url().describe('Index root serving /simple/ (PEP 503/691) and /pypi/<name>/json.'),
  username: z.string().default('__token__').describe('Upload user name; `__token__` for API tokens.'),
  token_env: envNameSchema
    .default('PYPI_TOKEN')
    .describe('Environment variable holding the upload token (or password).'),
  timeout_minutes: z
    .number()
    .positive()
    .default(10)
    .describe('How long to wait for a published version to be served by the index.'),
  python: z
    .string()
    .min(1)
    .optional()
    .describe('Python interpreter for build and twine; default /usr/bin/python3 when it exists, else python3.'),
  build: argvSchema
    .default(['{python}', '-m', 'build', '--no-isolation', '--outdir', '{dist}', '.'])
    .describe('Build command run in the package dir; `{dist}` is the output dir, `{python}` the interpreter.'),
  twine: argvSchema
    .default(['{python}', '-m', 'twine'])
    .describe('twine command (argv prefix); default `{python} -m twine`.'),
  reproducible: z
    .boolean()
    .default(true)
    .describe(
      'Normalise sdist timestamps/owners (and set SOURCE_DATE_EPOCH for wheels) so a rebuild of the same source has the same sha256 \u2014 what makes "already uploaded, skip" work on resume.',
    ),
});

export const registrySchema = z.discriminatedUnion('kind', [npmRegistrySchema, pypiRegistrySchema]);

export const registriesSchema = z.record(z.string(), registrySchema);
export type RegistryConfig = z.infer<typeof registrySchema>;
export type NpmRegistryConfig = z.infer<typeof npmRegistrySchema>;
export type PypiRegistryConfig = z.infer<typeof pypiRegistrySchema>;
