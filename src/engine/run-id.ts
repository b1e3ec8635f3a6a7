// Deterministic run ids (DESIGN.md "Run ids").
import { createHash } from 'node:crypto';
import { ErrorCode, FerryError } from '../errors.js';
import { SAFE_ID } from './paths.js';

function yyyymmdd(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

function sha6(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 6);
}

/** release-YYYYMMDD-<6 hex of sha256(sorted package names + date)>: same set, same day, same id. */
export function releaseRunId(packageNames: readonly string[], now = new Date()): string {
  const date = yyyymmdd(now);
  return `release-${date}-${sha6([...packageNames].sort().join(',') + date)}`;
}

/** <pipeline>-YYYYMMDD-<6 hex of sha256(timestamp)>. */
export function timestampRunId(pipeline: string, now = new Date()): string {
  return `${pipeline}-${yyyymmdd(now)}-${sha6(now.toISOString() + process.hrtime.bigint().toString())}`;
}

/** `pipeline` names the example id in the fix (`deploy-20260225-a3f7b2` for ferry deploy). */
export function validateRunId(id: string, flag = '--run-id', pipeline = 'release'): string {
  if (!SAFE_ID.test(id)) {
    throw new FerryError(
      ErrorCode.USAGE,
      `${flag} ${JSON.stringify(id)} is not a valid run id: use letters, digits, '.', '_' and '-' only`,
      {
        fix:
          flag === '--resume'
            ? 'ferry runs list   # the ids of runs there are to resume'
            : `${flag} ${pipeline}-20260225-a3f7b2   # or leave ${flag} out`,
      },
    );
  }
  return id;
}
