import { z } from 'zod';
import { argvSchema, safeNameSchema } from './common.js';

/** An image reference (repo[:tag], or an image id sha256:…): no spaces or shell characters. */
export const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/;
const imageRefSchema = z.string().regex(IMAGE_REF, { error: 'expected an image reference such as app:prod' });

/** Swarm rolling-update knobs (docker service update --update-order/--update-monitor…). */
const swarmUpdateSchema = z.strictObject({
  order: z
    .enum(['start-first', 'stop-first'])
    .default('start-first')
    .describe('Start the new task before stopping the old one (`start-first`, no downtime) or the reverse.'),
  monitor_seconds: z
    .number()
    .positive()
    .default(5)
    .describe('How long Swarm watches a new task for failure before the update counts as done.'),
  parallelism: z.number().int().min(0).default(1).describe('Tasks updated at once (0 = all).'),
  timeout_seconds: z
    .number()
    .positive()
    .default(120)
    .describe('Converge deadline for one update (including an automatic rollback).'),
});

/** Container health probe run inside the task (busybox wget), used as the Swarm HealthCheck. */
const healthcheckSchema = z.strictObject({
  test: argvSchema.describe(
    'The probe command run inside the container, e.g. [wget, -q, -O-, http://localhost:8080/health].',
  ),
  interval_seconds: z.number().positive().default(1).describe('Pause between probes.'),
  timeout_seconds: z.number().positive().default(2).describe('Time limit of one probe.'),
  retries: z
    .number()
    .int()
    .positive()
    .default(3)
    .describe('Failed probes in a row before the task counts as unhealthy.'),
  start_period_seconds: z
    .number()
    .min(0)
    .default(1)
    .describe('Grace period after start during which failed probes do not count.'),
});

/**
 * How ferry reaches `host` over ssh (synchronous promote steps and the self-deploy hook). Every
 * field is optional: the defaults are plain `ssh -o BatchMode=yes <host>` and `ferry` on the remote PATH.
 */
const sshSchema = z.strictObject({
  user: safeNameSchema.optional().describe("Remote user (`ssh -l`); default: ssh's own choice."),
  port: z.number().int().min(1).max(65535).optional().describe('Remote ssh port (`ssh -p`).'),
  identity_file: z.string().min(1).optional().describe("Private key (`ssh -i`); relative to ferry.yaml's directory."),
  options: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]*=\S.*$/, { error: 'expected an ssh option Key=value' }))
    .default([])
    .describe('Extra `-o Key=value` options, e.g. [StrictHostKeyChecking=accept-new].'),
  ferry: argvSchema
    .default(['ferry'])
    .describe(
      'The remote ferry command as an argv prefix. An absolute path is the robust choice: sshd resets the environment and login shells rewrite PATH, so `ferry` on the remote PATH is only the default.',
    ),
  config: z
    .string()
    .min(1)
    .optional()
    .describe(
      'ferry.yaml on the host; default: the same path as here (a shared mount, as the self-deploy hook expects).',
    ),
});

const envServiceSchema = z.strictObject({
  runtime: z.enum(['docker', 'swarm']).default('docker').describe('A plain Docker container or a Swarm service.'),
  container: safeNameSchema.describe('Container (docker) or service (swarm) name.'),
  image: imageRefSchema.describe('Image reference the service runs, e.g. app:staging.'),
  health: z.string().url().optional().describe('Health URL that must answer 2xx/3xx after a deploy or promote.'),
  base_url: z.string().optional().describe('Base URL of the service, filled into `{base_url}` in `check`.'),
  check: argvSchema
    .optional()
    .describe('Staging check run inside the staging container (docker exec). `{base_url}` is filled in.'),
  check_timeout_seconds: z.number().positive().default(300).describe('Time limit of the staging check.'),
  host: safeNameSchema
    .optional()
    .describe('Host for the detached self-deploy hook and synchronous non-self deploys (ssh); local when omitted.'),
  ssh: sshSchema
    .prefault({})
    .describe('ssh options for `host` (port, identity, -o options, the remote ferry command).'),
  health_timeout_seconds: z
    .number()
    .positive()
    .default(60)
    .describe('How long the health URL may take to become healthy after a deploy.'),
  self: z.boolean().default(false).describe('The service that runs ferry itself (self-deploy path).'),
  update: swarmUpdateSchema.prefault({}).describe('Swarm only: rolling update settings.'),
  healthcheck: healthcheckSchema
    .optional()
    .describe('Swarm only: HealthCheck for the service spec when the image has none.'),
});

export const environmentsSchema = z.record(
  z.string(),
  z.strictObject({
    services: z
      .record(z.string(), envServiceSchema)
      .describe('The services of this environment, by service name (the name `ferry stage`/`promote` take).'),
    verdict_dir: z.string().default('.ferry/verdicts').describe('Where verdict markdown files are written.'),
    promote_from: z
      .string()
      .default('staging')
      .describe('The environment whose SUCCESS staging verdict a promote into this one requires.'),
  }),
);
export type EnvironmentsConfig = z.infer<typeof environmentsSchema>;
export type EnvServiceConfig = z.infer<typeof envServiceSchema>;
export type EnvSshConfig = z.infer<typeof sshSchema>;
