// Promote on Docker Swarm: retag, pin an immutable tag for the exact image id, then a start-first,
// health-gated rolling update with failure_action rollback, and ferry's own converged-state check.

import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { SwarmRuntime } from '../adapters/runtime/swarm.js';
import { pinnedRef, type SwarmUpdatePolicy } from '../adapters/runtime/swarm-plan.js';
import type { EnvServiceConfig } from '../config/sections/environments.js';
import type { PromoteBackend, SwitchOutcome } from './backend.js';
import { describeHealth, waitHealthy } from './health-loop.js';

export function swarmPolicy(spec: EnvServiceConfig): SwarmUpdatePolicy & { timeoutMs: number } {
  const h = spec.healthcheck;
  return {
    order: spec.update.order,
    monitorMs: spec.update.monitor_seconds * 1000,
    parallelism: spec.update.parallelism,
    timeoutMs: spec.update.timeout_seconds * 1000,
    healthCheck: h && {
      test: h.test,
      intervalMs: h.interval_seconds * 1000,
      timeoutMs: h.timeout_seconds * 1000,
      retries: h.retries,
      startPeriodMs: h.start_period_seconds * 1000,
    },
  };
}

export function swarmBackend(runtime: ContainerRuntime, swarm: SwarmRuntime, spec: EnvServiceConfig): PromoteBackend {
  const policy = swarmPolicy(spec);

  async function moveTo(imageId: string): Promise<{ healthy: boolean; detail: string; autoRolledBack: boolean }> {
    await runtime.tag(imageId, spec.image);
    const pinned = pinnedRef(spec.image, imageId);
    await runtime.tag(imageId, pinned);
    const r = await swarm.updateImage(spec.container, pinned, policy);
    if (r.state === 'rollback_completed') {
      return { healthy: false, autoRolledBack: true, detail: `swarm rolled ${spec.container} back: ${r.message ?? 'update failed'}; ${r.verified.detail}` };
    }
    if (r.state !== 'completed' || !r.verified.converged) {
      return { healthy: false, autoRolledBack: false, detail: `swarm update ${r.state}: ${r.message ?? ''}; ${r.verified.detail}` };
    }
    if (!spec.health) return { healthy: true, autoRolledBack: false, detail: r.verified.detail };
    const h = await waitHealthy(spec.health, spec.health_timeout_seconds * 1000);
    return { healthy: h.healthy, autoRolledBack: false, detail: `${r.verified.detail}; ${describeHealth(h, spec.health)}` };
  }

  return {
    kind: 'swarm',
    async currentImageId() {
      const s = await swarm.inspectService(spec.container);
      if (!s) return null;
      const tasks = (await swarm.listTasks(spec.container)).filter((t) => t.desiredState === 'running' && t.state === 'running' && t.containerId);
      const first = tasks[0];
      if (first?.containerId) {
        const c = await runtime.inspectContainer(first.containerId);
        if (c) return c.imageId;
      }
      return swarm.imageId(s.image);
    },
    async switchTo(imageId): Promise<SwitchOutcome> {
      try {
        return await moveTo(imageId);
      } catch (e) {
        return { healthy: false, autoRolledBack: false, detail: e instanceof Error ? e.message : String(e) };
      }
    },
    async rollback(previousImageId, after) {
      try {
        if (after.autoRolledBack) {
          // Swarm already returned to the previous spec; ferry checks it and moves the tag back.
          const v = await swarm.verifyConverged(spec.container, previousImageId);
          await runtime.tag(previousImageId, spec.image);
          if (!v.converged) return { healthy: false, detail: v.detail };
          if (!spec.health) return { healthy: true, detail: v.detail };
          const h = await waitHealthy(spec.health, spec.health_timeout_seconds * 1000);
          return { healthy: h.healthy, detail: `${v.detail}; ${describeHealth(h, spec.health)}` };
        }
        const r = await moveTo(previousImageId);
        return { healthy: r.healthy, detail: r.detail };
      } catch (e) {
        return { healthy: false, detail: e instanceof Error ? e.message : String(e) };
      }
    },
    describe(imageId) {
      const pinned = pinnedRef(spec.image, imageId);
      return [
        `docker tag ${imageId} ${spec.image}   (build once: no rebuild)`,
        `docker tag ${imageId} ${pinned}   (immutable ref so a rollback cannot chase a moved tag)`,
        `POST /services/${spec.container}/update?version=<current> image=${pinned} UpdateConfig{Order: ${policy.order}, FailureAction: rollback, Monitor: ${spec.update.monitor_seconds}s, Parallelism: ${policy.parallelism}}${policy.healthCheck ? ` HealthCheck=${policy.healthCheck.test.join(' ')}` : ''}`,
        `wait for UpdateStatus completed|rollback_completed (deadline ${spec.update.timeout_seconds}s), then verify every running task runs ${imageId.slice(0, 19)}`,
        spec.health ? `health loop ${spec.health} (deadline ${spec.health_timeout_seconds}s)` : 'health: the swarm HealthCheck gates the update',
      ];
    },
  };
}
