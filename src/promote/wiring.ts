// Builds the runtime-dependent pieces a stage/promote/self-deploy/finalize needs from ferry.yaml:
// the backend (docker container or swarm service), the source image id, the target's identity.

import type { ContainerRuntime } from '../adapters/runtime/types.js';
import { ErrorCode, FerryError } from '../errors.js';
import { SwarmRuntime } from '../adapters/runtime/swarm.js';
import { createDockerRuntime } from '../adapters/runtime/docker.js';
import type { EnvironmentsConfig } from '../config/sections/environments.js';
import type { PromoteBackend } from './backend.js';
import { dockerBackend } from './backend-docker.js';
import { swarmBackend } from './backend-swarm.js';
import { isSelf, type SelfIdentity } from './self-detect.js';
import { resolveService, type ResolvedService } from './service.js';

export interface Runtimes {
  docker: ContainerRuntime;
  swarm: SwarmRuntime;
}

/**
 * The target env's service and the env it promotes from (its staging twin).
 * @throws USAGE when the environment promotes from itself (e.g. `--env staging`): its own staging
 * verdict would gate it, and its deploy verdict would replace production's (same verdict file).
 */
export function resolvePair(
  envs: EnvironmentsConfig | undefined,
  service: string,
  environment: string,
  baseDir: string,
): { target: ResolvedService; staging: ResolvedService } {
  const target = resolveService(envs, environment, service, baseDir);
  if (target.promoteFrom === environment) {
    const into = Object.entries(envs ?? {})
      .filter(([name, e]) => name !== environment && e.promote_from === environment && e.services[service])
      .map(([name]) => name);
    throw new FerryError(
      ErrorCode.USAGE,
      `${environment} is where images are staged, not promoted into: it promotes from itself (promote_from: ${environment})`,
      {
        fix: into.length
          ? `ferry promote ${service} --env ${into[0]}`
          : `set environments.${environment}.promote_from to the environment it promotes from`,
      },
    );
  }
  const staging = resolveService(envs, target.promoteFrom, service, baseDir);
  return { target, staging };
}

export function backendFor(rt: Runtimes, svc: ResolvedService): PromoteBackend {
  return svc.spec.runtime === 'swarm'
    ? swarmBackend(rt.docker, rt.swarm, svc.spec)
    : dockerBackend(rt.docker, svc.spec);
}

/** Container ids of the service: the container itself, or the swarm service's running task containers. */
export async function containerIds(rt: Runtimes, svc: ResolvedService): Promise<Array<{ id: string; name: string }>> {
  if (svc.spec.runtime === 'swarm') {
    const tasks = (await rt.swarm.listTasks(svc.spec.container)).filter(
      (t) => t.desiredState === 'running' && t.containerId,
    );
    return tasks.map((t) => ({ id: t.containerId!, name: `${svc.spec.container}.${t.id}` }));
  }
  const c = await rt.docker.inspectContainer(svc.spec.container);
  return c ? [{ id: c.id, name: c.name }] : [];
}

/** The target identity to compare with "who am I": the matching task container, else the first. */
export function targetIdentityFn(
  rt: Runtimes,
  svc: ResolvedService,
  self: SelfIdentity,
): () => Promise<{ id: string; name: string } | null> {
  return async () => {
    if (svc.spec.runtime === 'swarm' && !(await rt.swarm.inspectService(svc.spec.container))) return null;
    const ids = await containerIds(rt, svc);
    return (
      ids.find((c) => isSelf(self, c)) ??
      ids[0] ??
      (svc.spec.runtime === 'swarm' ? { id: '', name: svc.spec.container } : null)
    );
  };
}

/** SOURCE_IMAGE: --image when given (resolved to an id), else what staging runs now. */
export function sourceImageIdFn(
  rt: Runtimes,
  staging: ResolvedService,
  explicit?: string,
): () => Promise<string | null> {
  return async () => {
    if (explicit) return (await rt.docker.inspectImage(explicit))?.id ?? explicit;
    if (staging.spec.runtime === 'swarm') return backendFor(rt, staging).currentImageId();
    return (await rt.docker.inspectContainer(staging.spec.container))?.imageId ?? null;
  };
}

/** The container `ferry stage` execs into: the container, or a running task of the swarm service. */
export async function stageContainer(rt: Runtimes, staging: ResolvedService): Promise<string> {
  if (staging.spec.runtime !== 'swarm') return staging.spec.container;
  const ids = await containerIds(rt, staging);
  return ids[0]?.id ?? staging.spec.container;
}

export function createRuntimes(socket?: string): Runtimes {
  const docker = createDockerRuntime({ socket });
  return { docker, swarm: new SwarmRuntime({ docker: docker.docker }) };
}
