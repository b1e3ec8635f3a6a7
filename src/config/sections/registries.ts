import { z } from 'zod';
import { envNameSchema } from './common.js';

export const registrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('npm'),
    /** Registry URL used for publish and for reading packuments. */
    url: z.string().url(),
    token_env: envNameSchema.default('NPM_TOKEN'),
    timeout_minutes: z.number().positive().default(10),
  }),
  z.strictObject({
    kind: z.literal('pypi'),
    /** Upload endpoint (legacy API used by twine). */
    url: z.string().url(),
    /** Index root serving /simple/ (PEP 503/691) and /pypi/<name>/json. */
    index: z.string().url(),
    username: z.string().default('__token__'),
    token_env: envNameSchema.default('PYPI_TOKEN'),
    timeout_minutes: z.number().positive().default(10),
  }),
]);

export const registriesSchema = z.record(z.string(), registrySchema);
export type RegistryConfig = z.infer<typeof registrySchema>;
