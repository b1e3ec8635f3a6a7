// Promote on a single Docker host: retag → recreate the container from the tag (no build) → health loop.

import type { ContainerRuntime } from '../adapters/runtime/types.js';
import { messageOf, type HealthOutcome, type PromoteBackend, type SwitchOutcome } from './backend.js';
import { describeHealth, waitHealthy } from './health-loop.js';
import type { EnvServiceConfig } from '../config/sections/environments.js';

export function dockerBackend(
  runtime: ContainerRuntime,
  spec: EnvServiceConfig,
  opts: { healthIntervalMs?: number } = {},
): PromoteBackend {
  const deadlineMs = spec.health_timeout_seconds * 1000;

  async function switchTo(imageId: string): Promise<SwitchOutcome> {
    try {
      // Recreate is crash-safe and converges on resume (docker-recreate.ts): exactly one `name` afterwards.
      const { container } = await runtime.recreate(spec.container, spec.image);
      if (container.imageId !== imageId)
        return {
          ok: false,
          autoRolledBack: false,
          detail: `${spec.container} runs ${container.imageId}, expected ${imageId}`,
        };
      if (!container.running)
        return { ok: false, autoRolledBack: false, detail: `${spec.container} is not running (${container.status})` };
      return { ok: true, autoRolledBack: false, detail: `${spec.container} running ${imageId}` };
    } catch (e) {
      return { ok: false, autoRolledBack: false, detail: messageOf(e) };
    }
  }

  async function health(imageId: string): Promise<HealthOutcome> {
    try {
      const c = await runtime.inspectContainer(spec.container);
      if (!c) return { healthy: false, detail: `${spec.container} not found` };
      if (c.imageId !== imageId)
        return { healthy: false, detail: `${spec.container} runs ${c.imageId}, expected ${imageId}` };
      if (!c.running) return { healthy: false, detail: `${spec.container} is not running (${c.status})` };
      if (!spec.health)
        return { healthy: true, detail: `${spec.container} running ${imageId} (no health URL configured)` };
      const h = await waitHealthy(spec.health, deadlineMs, { intervalMs: opts.healthIntervalMs });
      return { healthy: h.healthy, detail: describeHealth(h, spec.health) };
    } catch (e) {
      return { healthy: false, detail: messageOf(e) };
    }
  }

  return {
    kind: 'docker',
    async currentImageId() {
      return (await runtime.inspectContainer(spec.container))?.imageId ?? null;
    },
    async retag(imageId) {
      // SOURCE_IMAGE → TARGET_IMAGE: the exact artefact that passed staging, never rebuilt.
      await runtime.tag(imageId, spec.image);
      return [spec.image];
    },
    async runs(imageId) {
      const c = await runtime.inspectContainer(spec.container);
      return c !== null && c.imageId === imageId && c.running;
    },
    switchTo,
    health,
    async rollback(previousImageId) {
      try {
        await runtime.tag(previousImageId, spec.image);
      } catch (e) {
        return { healthy: false, detail: messageOf(e) };
      }
      const sw = await switchTo(previousImageId);
      if (!sw.ok) return { healthy: false, detail: sw.detail };
      return health(previousImageId);
    },
    describe(imageId, previous) {
      const prev = previous ?? '<previous image id>';
      return {
        retag: [`docker tag ${imageId} ${spec.image}   (build once: no rebuild)`],
        switch: [
          `recreate container ${spec.container} from ${spec.image} (same name, ports, env, volumes, networks; no build)`,
        ],
        health: [
          spec.health
            ? `health loop ${spec.health} (deadline ${spec.health_timeout_seconds}s)`
            : 'no health URL configured: container running is the check',
        ],
        rollback: [
          `on unhealthy: docker tag ${prev} ${spec.image}, recreate ${spec.container}, verify healthy (exit 2)`,
        ],
      };
    },
  };
}
