// Promote on a single Docker host: retag → recreate the container from the tag (no build) → health loop.

import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { PromoteBackend, SwitchOutcome } from './backend.js';
import { describeHealth, waitHealthy } from './health-loop.js';
import type { EnvServiceConfig } from '../config/sections/environments.js';

export function dockerBackend(runtime: ContainerRuntime, spec: EnvServiceConfig, opts: { healthIntervalMs?: number } = {}): PromoteBackend {
  const deadlineMs = spec.health_timeout_seconds * 1000;

  async function switchAndCheck(imageId: string): Promise<{ healthy: boolean; detail: string }> {
    // SOURCE_IMAGE → TARGET_IMAGE: the exact artefact that passed staging, never rebuilt.
    await runtime.tag(imageId, spec.image);
    const { container } = await runtime.recreate(spec.container, spec.image);
    if (container.imageId !== imageId) return { healthy: false, detail: `${spec.container} runs ${container.imageId}, expected ${imageId}` };
    if (!container.running) return { healthy: false, detail: `${spec.container} is not running (${container.status})` };
    if (!spec.health) return { healthy: true, detail: `${spec.container} running ${imageId} (no health URL configured)` };
    const h = await waitHealthy(spec.health, deadlineMs, { intervalMs: opts.healthIntervalMs });
    return { healthy: h.healthy, detail: describeHealth(h, spec.health) };
  }

  return {
    kind: 'docker',
    async currentImageId() {
      return (await runtime.inspectContainer(spec.container))?.imageId ?? null;
    },
    async switchTo(imageId): Promise<SwitchOutcome> {
      try {
        return { ...(await switchAndCheck(imageId)), autoRolledBack: false };
      } catch (e) {
        return { healthy: false, detail: e instanceof Error ? e.message : String(e), autoRolledBack: false };
      }
    },
    async rollback(previousImageId) {
      try {
        return await switchAndCheck(previousImageId);
      } catch (e) {
        return { healthy: false, detail: e instanceof Error ? e.message : String(e) };
      }
    },
    describe(imageId) {
      return [
        `docker tag ${imageId} ${spec.image}   (build once: no rebuild)`,
        `recreate container ${spec.container} from ${spec.image} (same name, ports, env, volumes, networks; no build)`,
        spec.health ? `health loop ${spec.health} (deadline ${spec.health_timeout_seconds}s)` : 'no health URL configured: container running is the check',
        'on unhealthy: docker tag <previous image id> ' + spec.image + `, recreate ${spec.container}, verify healthy (exit 2)`,
      ];
    },
  };
}
