// One change at a time per production container or Swarm service: promote and finalize's rollback
// take the same lock redeploy takes for a local container, so none of them recreates a target under
// another.
import { acquireResourceLock, type RunLock } from '../engine/lock.js';
import type { ResolvedService } from './service.js';

/** @throws LOCKED naming the service and the run that holds it */
export function lockTarget(home: string, target: ResolvedService, holder: string): Promise<RunLock> {
  const { spec } = target;
  const kind = spec.runtime === 'swarm' ? 'services' : 'containers';
  // A container on another host is another object than a local one of the same name.
  const name = spec.host ? `${spec.host}--${spec.container}` : spec.container;
  return acquireResourceLock(home, kind, name, holder, `${target.service} (${spec.container}) is being changed`);
}
