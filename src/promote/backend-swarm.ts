// Promote on Docker Swarm: retag, pin an immutable tag for the exact image id, then a start-first,
// health-gated rolling update with failure_action rollback, and ferry's own converged-state check.

import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { SwarmRuntime } from '../adapters/runtime/swarm.js';
import { pinnedRef, type SwarmUpdatePolicy } from '../adapters/runtime/swarm-plan.js';
import type { EnvServiceConfig } from '../config/sections/environments.js';
import { messageOf, type HealthOutcome, type PromoteBackend, type SwitchOutcome } from './backend.js';
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

  async function retag(imageId: string): Promise<string[]> {
    const pinned = pinnedRef(spec.image, imageId);
    await runtime.tag(imageId, spec.image);
    await runtime.tag(imageId, pinned);
    return [spec.image, pinned];
  }

  async function switchTo(imageId: string): Promise<SwitchOutcome> {
    try {
      const r = await swarm.updateImage(spec.container, pinnedRef(spec.image, imageId), policy);
      if (r.state === 'rollback_completed') {
        return {
          ok: false,
          autoRolledBack: true,
          detail: `swarm rolled ${spec.container} back: ${r.message ?? 'update failed'}; ${r.verified.detail}`,
        };
      }
      if (r.state !== 'completed' || !r.verified.converged) {
        return {
          ok: false,
          autoRolledBack: false,
          detail: `swarm update ${r.state}: ${r.message ?? ''}; ${r.verified.detail}`,
        };
      }
      return { ok: true, autoRolledBack: false, detail: r.verified.detail };
    } catch (e) {
      return { ok: false, autoRolledBack: false, detail: messageOf(e) };
    }
  }

  /** An update still in flight (started by a ferry killed mid-SWITCH) decides the state: wait for it. */
  const settled = () => swarm.waitSettled(spec.container, { timeoutMs: policy.timeoutMs });

  async function health(imageId: string): Promise<HealthOutcome> {
    try {
      await settled();
      const v = await swarm.verifyConverged(spec.container, imageId);
      if (!v.converged) return { healthy: false, detail: v.detail };
      if (!spec.health) return { healthy: true, detail: v.detail };
      const h = await waitHealthy(spec.health, spec.health_timeout_seconds * 1000);
      return { healthy: h.healthy, detail: `${v.detail}; ${describeHealth(h, spec.health)}` };
    } catch (e) {
      return { healthy: false, detail: messageOf(e) };
    }
  }

  return {
    kind: 'swarm',
    async currentImageId() {
      const s = await swarm.inspectService(spec.container);
      if (!s) return null;
      const tasks = (await swarm.listTasks(spec.container)).filter(
        (t) => t.desiredState === 'running' && t.state === 'running' && t.containerId,
      );
      const first = tasks[0];
      if (first?.containerId) {
        const c = await runtime.inspectContainer(first.containerId);
        if (c) return c.imageId;
      }
      return swarm.imageId(s.image);
    },
    retag,
    async runs(imageId) {
      await settled();
      return (await swarm.verifyConverged(spec.container, imageId)).converged;
    },
    switchTo,
    health,
    async rollback(previousImageId, after) {
      try {
        // Swarm already returned to the previous spec (auto rollback): ferry checks it and moves the tags
        // back. Otherwise (or when a resumed rollback finds it elsewhere) roll forward to the previous image.
        await retag(previousImageId);
        await settled();
        if (!after.autoRolledBack && !(await swarm.verifyConverged(spec.container, previousImageId)).converged) {
          const sw = await switchTo(previousImageId);
          if (!sw.ok) return { healthy: false, detail: sw.detail };
        }
        return await health(previousImageId);
      } catch (e) {
        return { healthy: false, detail: messageOf(e) };
      }
    },
    describe(imageId, previous) {
      const pinned = pinnedRef(spec.image, imageId);
      return {
        retag: [
          `docker tag ${imageId} ${spec.image}   (build once: no rebuild)`,
          `docker tag ${imageId} ${pinned}   (immutable ref so a rollback cannot chase a moved tag)`,
        ],
        switch: [
          `POST /services/${spec.container}/update?version=<current> image=${pinned} UpdateConfig{Order: ${policy.order}, FailureAction: rollback, Monitor: ${spec.update.monitor_seconds}s, Parallelism: ${policy.parallelism}}${policy.healthCheck ? ` HealthCheck=${policy.healthCheck.test.join(' ')}` : ''}`,
          `wait for UpdateStatus completed|rollback_completed (deadline ${spec.update.timeout_seconds}s)`,
        ],
        health: [
          `verify every running task runs ${imageId.slice(0, 19)}`,
          spec.health
            ? `health loop ${spec.health} (deadline ${spec.health_timeout_seconds}s)`
            : 'health: the swarm HealthCheck gates the update',
        ],
        rollback: [
          `on unhealthy: swarm rollback (or update back) to ${previous ?? '<previous image id>'}, retag ${spec.image}, verify converged + healthy (exit 2)`,
        ],
      };
    },
  };
}
