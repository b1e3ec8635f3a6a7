import { z } from 'zod';
import { argvSchema } from './common.js';

const envServiceSchema = z.strictObject({
  runtime: z.enum(['docker', 'swarm']).default('docker'),
  /** Container (docker) or service (swarm) name. */
  container: z.string(),
  image: z.string(),
  health: z.string().url().optional(),
  base_url: z.string().optional(),
  /** Staging check run inside the staging container (docker exec). */
  check: argvSchema.optional(),
  /** Host for the detached self-deploy hook (ssh); local when omitted. */
  host: z.string().optional(),
  health_timeout_seconds: z.number().positive().default(60),
  /** The service that runs ferry itself (self-deploy path). */
  self: z.boolean().default(false),
});

export const environmentsSchema = z.record(
  z.string(),
  z.strictObject({
    services: z.record(z.string(), envServiceSchema),
    /** Where verdict markdown files are written. */
    verdict_dir: z.string().default('.ferry/verdicts'),
  }),
);
export type EnvironmentsConfig = z.infer<typeof environmentsSchema>;
