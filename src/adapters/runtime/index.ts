// Picks a ContainerRuntime implementation by config name.

import type { ContainerRuntime } from './types.js';
import { createDockerRuntime } from './docker.js';

export type { ContainerRuntime } from './types.js';
export { DockerRuntime, createDockerRuntime } from './docker.js';
export { checkHealth, checkOne } from './health.js';
// Swarm services are not containers (no ContainerRuntime): promote drives them through SwarmRuntime.
export { SwarmRuntime, createSwarmRuntime } from './swarm.js';
export type { SwarmServiceInfo, SwarmTaskInfo, SwarmUpdateResult, ConvergedState } from './swarm.js';
export type { HealthResult, HealthCheckOptions, HealthAttempt } from './health.js';

export interface RuntimeSelection {
  kind: 'docker';
  /** Docker Engine socket path (default: DOCKER_HOST or /var/run/docker.sock). */
  socket?: string;
  /** See DockerRuntimeOptions.stopTimeoutSeconds. */
  stopTimeoutSeconds?: number;
}

// NOTE: the Swarm implementation (swarm.ts) is added here by its owner as `kind: 'swarm'`.
export function createRuntime(sel: RuntimeSelection): ContainerRuntime {
  switch (sel.kind) {
    case 'docker':
      return createDockerRuntime({ socket: sel.socket, stopTimeoutSeconds: sel.stopTimeoutSeconds });
  }
}
