import { z } from 'zod';

/** A container service ferry manages through the Docker Engine API. */
export const serviceSchema = z.strictObject({
  name: z.string().describe('Service name, as shown in reports.'),
  container: z.string().optional().describe('Container name (default: the service name).'),
  health: z.string().url().optional().describe('Health URL checked after (re)creation.'),
});
export type ServiceConfig = z.infer<typeof serviceSchema>;

export const dockerRuntimeSchema = z.strictObject({
  kind: z.literal('docker'),
  context: z.string().default('.').describe('Build context, relative to the repo/worktree root.'),
  dockerfile: z.string().default('Dockerfile').describe('Dockerfile path, relative to the build context.'),
  image: z.string().describe('Image reference to tag the build with.'),
  services: z.array(serviceSchema).min(1).describe('The containers recreated from the built image.'),
  socket: z.string().optional().describe('Docker Engine socket (default: DOCKER_HOST or /var/run/docker.sock).'),
  stop_timeout_seconds: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(
      "Seconds a stop/restart waits before SIGKILL for containers without their own StopTimeout (`docker run --stop-timeout`, which ferry honours and keeps on recreate). Default: the engine's 10 s.",
    ),
});
