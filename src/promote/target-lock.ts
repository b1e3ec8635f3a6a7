// One change at a time per production container or Swarm service: promote, finalize's rollback and
// redeploy (same path for a local container) take this lock, so two of them never recreate the same
// target under each other.
import { join } from 'node:path';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { acquireRunLock, type RunLock } from '../engine/lock.js';
import type { ResolvedService } from './service.js';

/** @throws LOCKED naming the service and the run that holds it */
export async function lockTarget(home: string, target: ResolvedService, holder: string): Promise<RunLock> {
  const { spec } = target;
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
  const kind = spec.runtime === 'swarm' ? 'services' : 'containers';
  const name = spec.host ? `${safe(spec.host)}--${safe(spec.container)}` : safe(spec.container);
  try {
    return await acquireRunLock(join(home, 'locks', kind, name), holder);
  } catch (e) {
    if (!isFerryError(e) || e.code !== ErrorCode.LOCKED) throw e;
    throw new FerryError(ErrorCode.LOCKED, `${target.service} (${spec.container}) is being changed by another run: ${e.message}`, { fix: e.fix ?? undefined, details: e.details });
  }
}
