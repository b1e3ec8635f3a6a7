import { z } from 'zod';

/** A container service ferry manages through the Docker Engine API. */
export const serviceSchema = z.strictObject({
  name: z.string(),
  /** Container name (default: the service name). */
  container: z.string().optional(),
  /** Health URL checked after (re)creation. */
  health: z.string().url().optional(),
});
export type ServiceConfig = z.infer<typeof serviceSchema>;

export const dockerRuntimeSchema = z.strictObject({
  kind: z.literal('docker'),
  /** Build context, relative to the repo/worktree root. */
  context: z.string().default('.'),
  dockerfile: z.string().default('Dockerfile'),
  /** Image reference to tag the build with. */
  image: z.string(),
  services: z.array(serviceSchema).min(1),
  /** Docker Engine socket (default: DOCKER_HOST or /var/run/docker.sock). */
  socket: z.string().optional(),
  /**
   * Seconds a stop/restart waits before SIGKILL for containers without their own StopTimeout
   * (`docker run --stop-timeout`, which ferry honours and keeps on recreate). Default: the engine's 10 s.
   */
  stop_timeout_seconds: z.number().int().nonnegative().optional(),
});
