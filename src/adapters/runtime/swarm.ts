// Docker Swarm runtime over the Engine API: the `docker service update --image` equivalent with a
// health-gated start-first rolling update and failure_action rollback, then ferry's own check of
// the converged state (every desired-running task runs the target image id). Engine failures map to
// ferry codes: unreachable → RUNTIME_UNAVAILABLE, unknown service → NOT_FOUND, else DEPLOY_FAILED.

import type Docker from 'dockerode';
import { loadDockerode } from './dockerode.js';
import { ErrorCode, FerryError } from '../../errors.js';
import { sleep } from '../../util/sleep.js';
import { dockerError, statusOf } from './docker-util.js';
import { planImageUpdate, TERMINAL_UPDATE_STATES, type ServiceSpecLike, type SwarmUpdatePolicy } from './swarm-plan.js';

export interface SwarmServiceInfo {
  id: string;
  name: string;
  /** Spec version index; every update must send the current one. */
  version: number;
  /** Image reference in the current spec. */
  image: string;
  /** Image reference in the previous spec (what a rollback returns to). */
  previousImage: string | null;
  replicas: number | null;
  updateState: string | null;
  updateStartedAt: string | null;
  updateMessage: string | null;
  spec: ServiceSpecLike;
}

export interface SwarmTaskInfo {
  id: string;
  state: string;
  desiredState: string;
  image: string;
  containerId: string | null;
  /** Host-mode published ports of this task (127.0.0.1:<port> reaches it). */
  publishedPorts: number[];
  error: string | null;
}

export interface ConvergedState {
  converged: boolean;
  /** Image ids of the running tasks' containers. */
  imageIds: string[];
  running: number;
  expected: number | null;
  detail: string;
}

export interface SwarmUpdateResult {
  /** Terminal update state reported by Swarm (completed, rollback_completed, paused…). */
  state: string;
  message: string | null;
  service: SwarmServiceInfo;
  /** Whether the service's running tasks all run `expectImageId` after the update. */
  verified: ConvergedState;
}

interface RawService {
  ID: string;
  Version?: { Index?: number };
  Spec: ServiceSpecLike & { Mode?: { Replicated?: { Replicas?: number } } };
  PreviousSpec?: ServiceSpecLike;
  UpdateStatus?: { State?: string; StartedAt?: string; Message?: string };
}

interface RawTask {
  ID: string;
  DesiredState: string;
  Spec?: { ContainerSpec?: { Image?: string } };
  Status?: {
    State?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string };
    PortStatus?: { Ports?: Array<{ PublishedPort?: number }> };
  };
}

export class SwarmRuntime {
  readonly docker: Docker;

  constructor(opts: { socket?: string; docker?: Docker } = {}) {
    const D = loadDockerode();
    this.docker = opts.docker ?? (opts.socket ? new D({ socketPath: opts.socket }) : new D());
  }

  /** @throws RUNTIME_UNAVAILABLE (engine down), DEPLOY_FAILED (this node is not a swarm manager) */
  async ping(): Promise<void> {
    let info: { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    try {
      info = (await this.docker.info()) as typeof info;
    } catch (e) {
      throw dockerError(e, ErrorCode.RUNTIME_UNAVAILABLE, 'docker info');
    }
    if (info.Swarm?.LocalNodeState !== 'active' || !info.Swarm.ControlAvailable) {
      throw new FerryError(ErrorCode.DEPLOY_FAILED, 'this Docker engine is not a Swarm manager', {
        fix: 'docker swarm init --advertise-addr 127.0.0.1',
      });
    }
  }

  private async raw(name: string): Promise<RawService | null> {
    try {
      return (await this.docker.getService(name).inspect()) as RawService;
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `inspect service ${name}`);
    }
  }

  async inspectService(name: string): Promise<SwarmServiceInfo | null> {
    const s = await this.raw(name);
    if (!s) return null;
    return {
      id: s.ID,
      name: s.Spec.Name ?? name,
      version: s.Version?.Index ?? 0,
      image: s.Spec.TaskTemplate?.ContainerSpec?.Image ?? '',
      previousImage: s.PreviousSpec?.TaskTemplate?.ContainerSpec?.Image ?? null,
      replicas: s.Spec.Mode?.Replicated?.Replicas ?? null,
      updateState: s.UpdateStatus?.State ?? null,
      updateStartedAt: s.UpdateStatus?.StartedAt ?? null,
      updateMessage: s.UpdateStatus?.Message ?? null,
      spec: s.Spec,
    };
  }

  private async mustInspect(name: string): Promise<SwarmServiceInfo> {
    const s = await this.inspectService(name);
    if (!s) throw new FerryError(ErrorCode.NOT_FOUND, `swarm service ${name} not found`, { fix: 'docker service ls' });
    return s;
  }

  async listTasks(name: string): Promise<SwarmTaskInfo[]> {
    let tasks: RawTask[];
    try {
      tasks = (await this.docker.listTasks({ filters: JSON.stringify({ service: [name] }) })) as RawTask[];
    } catch (e) {
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `list tasks of ${name}`);
    }
    return tasks.map((t) => ({
      id: t.ID,
      state: t.Status?.State ?? 'unknown',
      desiredState: t.DesiredState,
      image: t.Spec?.ContainerSpec?.Image ?? '',
      containerId: t.Status?.ContainerStatus?.ContainerID ?? null,
      publishedPorts: (t.Status?.PortStatus?.Ports ?? []).map((p) => p.PublishedPort ?? 0).filter((p) => p > 0),
      error: t.Status?.Err ?? null,
    }));
  }

  /** Image id of the reference (tag or id), or null when it is not on this node. */
  async imageId(ref: string): Promise<string | null> {
    try {
      return (await this.docker.getImage(ref).inspect()).Id;
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `inspect image ${ref}`);
    }
  }

  /** ferry's own check: all desired-running tasks are running, there are `replicas` of them, all on `imageId`. */
  async verifyConverged(name: string, imageId: string): Promise<ConvergedState> {
    const s = await this.mustInspect(name);
    const tasks = (await this.listTasks(name)).filter((t) => t.desiredState === 'running');
    const running = tasks.filter((t) => t.state === 'running');
    const imageIds: string[] = [];
    for (const t of running) {
      if (!t.containerId) continue;
      try {
        imageIds.push((await this.docker.getContainer(t.containerId).inspect()).Image);
      } catch (e) {
        if (statusOf(e) !== 404)
          throw dockerError(e, ErrorCode.DEPLOY_FAILED, `inspect task container ${t.containerId}`);
      }
    }
    const expected = s.replicas;
    const countOk = expected === null ? running.length > 0 : running.length === expected && tasks.length === expected;
    const imageOk = imageIds.length === running.length && imageIds.every((i) => i === imageId);
    const converged = countOk && imageOk;
    const detail = converged
      ? `${running.length} task(s) running ${imageId.slice(0, 19)}`
      : `${running.length}/${expected ?? '?'} task(s) running, images ${[...new Set(imageIds)].map((i) => i.slice(0, 19)).join(', ') || 'none'}; want ${imageId.slice(0, 19)}`;
    return { converged, imageIds, running: running.length, expected, detail };
  }

  /** Poll until the update that started after `since` reaches a terminal state. @throws DEPLOY_FAILED on timeout */
  private waitUpdate(name: string, since: string | null, timeoutMs: number, pollMs: number): Promise<SwarmServiceInfo> {
    return this.pollService(
      name,
      (s) =>
        s.updateStartedAt !== null &&
        s.updateStartedAt !== since &&
        s.updateState !== null &&
        TERMINAL_UPDATE_STATES.has(s.updateState),
      { timeoutMs, pollMs },
      (s) => `did not converge within ${Math.round(timeoutMs / 1000)}s (update state ${s.updateState ?? 'none'})`,
    );
  }

  /** Inspect `name` every `pollMs` until `done`. @throws NOT_FOUND; DEPLOY_FAILED "swarm service <name> <late(s)>" at the deadline */
  private async pollService(
    name: string,
    done: (s: SwarmServiceInfo) => boolean,
    o: { timeoutMs: number; pollMs: number },
    late: (s: SwarmServiceInfo) => string,
  ): Promise<SwarmServiceInfo> {
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      const s = await this.mustInspect(name);
      if (done(s)) return s;
      if (Date.now() > deadline) {
        throw new FerryError(ErrorCode.DEPLOY_FAILED, `swarm service ${name} ${late(s)}`, {
          fix: `docker service ps ${name} --no-trunc`,
          details: { update_state: s.updateState, message: s.updateMessage },
        });
      }
      await sleep(o.pollMs);
    }
  }

  /**
   * `docker service update --image <image>` with the policy's start-first, health-gated rolling update
   * and failure_action rollback; waits for a terminal update state, then verifies the converged state
   * against `expectImageId` (the target on completed, the previous image on rollback_completed).
   * @throws NOT_FOUND, DEPLOY_FAILED (engine rejected the update, or no convergence in time)
   */
  async updateImage(
    name: string,
    image: string,
    policy: SwarmUpdatePolicy & { timeoutMs: number; pollMs?: number },
  ): Promise<SwarmUpdateResult> {
    const before = await this.mustInspect(name);
    const targetId = await this.imageId(image);
    if (!targetId)
      throw new FerryError(ErrorCode.NOT_FOUND, `image ${image} not found on this node`, {
        fix: `docker image ls ${image}`,
      });
    const previousId = await this.imageId(before.image);
    const spec = planImageUpdate(before.spec, image, policy);
    if (before.image === image) {
      const v = await this.verifyConverged(name, targetId);
      if (v.converged)
        return { state: 'completed', message: 'already running the image', service: before, verified: v };
      // Same spec but not converged: force a redeploy of the tasks.
      spec.TaskTemplate = {
        ...(spec.TaskTemplate ?? {}),
        ForceUpdate: (before.spec.TaskTemplate?.ForceUpdate ?? 0) + 1,
      };
    }
    try {
      await this.docker.getService(before.id).update({ _query: { version: before.version }, _body: spec });
    } catch (e) {
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `update service ${name} to ${image}`);
    }
    const after = await this.waitUpdate(name, before.updateStartedAt, policy.timeoutMs, policy.pollMs ?? 250);
    const rolledBack = after.updateState === 'rollback_completed';
    const expectId = rolledBack ? (previousId ?? targetId) : targetId;
    const verified = await this.waitConverged(name, expectId, Math.min(policy.timeoutMs, 30_000));
    return { state: after.updateState ?? 'unknown', message: after.updateMessage, service: after, verified };
  }

  /**
   * Server-side rollback to the previous spec (`docker service rollback`), then verify tasks run
   * `expectImageId`. @throws NOT_FOUND, DEPLOY_FAILED
   */
  async rollback(
    name: string,
    expectImageId: string,
    opts: { timeoutMs: number; pollMs?: number },
  ): Promise<SwarmUpdateResult> {
    const before = await this.mustInspect(name);
    try {
      await this.docker
        .getService(before.id)
        .update({ _query: { version: before.version, rollback: 'previous' }, _body: before.spec });
    } catch (e) {
      throw dockerError(e, ErrorCode.DEPLOY_FAILED, `rollback service ${name}`);
    }
    const after = await this.waitUpdate(name, before.updateStartedAt, opts.timeoutMs, opts.pollMs ?? 250);
    const verified = await this.waitConverged(name, expectImageId, Math.min(opts.timeoutMs, 30_000));
    return { state: after.updateState ?? 'unknown', message: after.updateMessage, service: after, verified };
  }

  /**
   * Wait until no update or rollback is in flight (update state none or terminal), e.g. one a killed
   * ferry started: until then the converged state can still change (monitor window, auto rollback).
   * @throws NOT_FOUND, DEPLOY_FAILED (still in flight at the deadline)
   */
  waitSettled(name: string, opts: { timeoutMs: number; pollMs?: number }): Promise<SwarmServiceInfo> {
    return this.pollService(
      name,
      (s) => s.updateState === null || TERMINAL_UPDATE_STATES.has(s.updateState),
      { timeoutMs: opts.timeoutMs, pollMs: opts.pollMs ?? 250 },
      (s) => `is still ${s.updateState} after ${Math.round(opts.timeoutMs / 1000)}s`,
    );
  }

  /** Old tasks can take a moment to leave `running` after the update is marked done. */
  private async waitConverged(name: string, imageId: string, timeoutMs: number): Promise<ConvergedState> {
    const deadline = Date.now() + timeoutMs;
    let v = await this.verifyConverged(name, imageId);
    while (!v.converged && Date.now() < deadline) {
      await sleep(250);
      v = await this.verifyConverged(name, imageId);
    }
    return v;
  }
}

export function createSwarmRuntime(opts: { socket?: string } = {}): SwarmRuntime {
  return new SwarmRuntime(opts);
}
