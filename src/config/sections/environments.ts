import { z } from 'zod';
import { argvSchema, safeNameSchema } from './common.js';

/** An image reference (repo[:tag], or an image id sha256:…): no spaces or shell characters. */
export const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/;
const imageRefSchema = z.string().regex(IMAGE_REF, { error: 'expected an image reference such as app:prod' });

/** Swarm rolling-update knobs (docker service update --update-order/--update-monitor…). */
const swarmUpdateSchema = z.strictObject({
  order: z.enum(['start-first', 'stop-first']).default('start-first'),
  monitor_seconds: z.number().positive().default(5),
  parallelism: z.number().int().min(0).default(1),
  /** Converge deadline for one update (including an automatic rollback). */
  timeout_seconds: z.number().positive().default(120),
});

/** Container health probe run inside the task (busybox wget), used as the Swarm HealthCheck. */
const healthcheckSchema = z.strictObject({
  test: argvSchema,
  interval_seconds: z.number().positive().default(1),
  timeout_seconds: z.number().positive().default(2),
  retries: z.number().int().positive().default(3),
  start_period_seconds: z.number().min(0).default(1),
});

/**
 * How ferry reaches `host` over ssh (synchronous promote steps and the self-deploy hook). Every
 * field is optional: the defaults are plain `ssh -o BatchMode=yes <host>` and `ferry` on the remote PATH.
 */
const sshSchema = z.strictObject({
  user: safeNameSchema.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  /** Private key (`ssh -i`); relative to ferry.yaml's directory. */
  identity_file: z.string().min(1).optional(),
  /** Extra `-o Key=value` options, e.g. [StrictHostKeyChecking=accept-new]. */
  options: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*=\S.*$/, { error: 'expected an ssh option Key=value' }))
    .default([]),
  /**
   * The remote ferry command as an argv prefix. An absolute path is the robust choice: sshd resets the
   * environment and login shells rewrite PATH, so `ferry` on the remote PATH is only the default.
   */
  ferry: argvSchema.default(['ferry']),
  /** ferry.yaml on the host; default: the same path as here (a shared mount, as the self-deploy hook expects). */
  config: z.string().min(1).optional(),
});

const envServiceSchema = z.strictObject({
  runtime: z.enum(['docker', 'swarm']).default('docker'),
  /** Container (docker) or service (swarm) name. */
  container: safeNameSchema,
  image: imageRefSchema,
  health: z.string().url().optional(),
  base_url: z.string().optional(),
  /** Staging check run inside the staging container (docker exec). `{base_url}` is filled in. */
  check: argvSchema.optional(),
  check_timeout_seconds: z.number().positive().default(300),
  /** Host for the detached self-deploy hook and synchronous non-self deploys (ssh); local when omitted. */
  host: safeNameSchema.optional(),
  /** ssh options for `host` (port, identity, -o options, the remote ferry command). */
  ssh: sshSchema.prefault({}),
  health_timeout_seconds: z.number().positive().default(60),
  /** The service that runs ferry itself (self-deploy path). */
  self: z.boolean().default(false),
  /** Swarm only: rolling update settings. */
  update: swarmUpdateSchema.prefault({}),
  /** Swarm only: HealthCheck for the service spec when the image has none. */
  healthcheck: healthcheckSchema.optional(),
});

export const environmentsSchema = z.record(
  z.string(),
  z.strictObject({
    services: z.record(z.string(), envServiceSchema),
    /** Where verdict markdown files are written. */
    verdict_dir: z.string().default('.ferry/verdicts'),
    /** The environment whose SUCCESS staging verdict a promote into this one requires. */
    promote_from: z.string().default('staging'),
  }),
);
export type EnvironmentsConfig = z.infer<typeof environmentsSchema>;
export type EnvServiceConfig = z.infer<typeof envServiceSchema>;
export type EnvSshConfig = z.infer<typeof sshSchema>;
