// Phase 5: after executing, services run, run the expected image, and answer their checks.
import { ErrorCode, FerryError } from '../errors.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import { digestWarnings, inspectServices, runChecks, type HttpCheck, type ServiceRef } from './analyse-system.js';
import type { CheckResult, DigestWarning, LastDeployState, ServiceStatus } from './types.js';

export interface ContainerVerification {
  name: string;
  container: string;
  running: boolean;
  imageId: string | null;
  /** The image id it must run: the new build, else the recorded one (a mismatch then only warns). */
  expected: string | null;
  matches: boolean | null;
}

export interface Verification {
  ok: boolean;
  containers: ContainerVerification[];
  checks: CheckResult[];
  digestWarnings: DigestWarning[];
  problems: string[];
}

/**
 * Pure. After a build every service must run the new image id (a mismatch fails with
 * DIGEST_MISMATCH); without a build a mismatch with the recorded id is a warning. Stopped services
 * and failing checks fail with HEALTH_FAILED.
 */
export function evaluateVerification(
  services: readonly ServiceStatus[],
  checks: readonly CheckResult[],
  builtId: string | null,
  last: LastDeployState | null,
  tagNowId: string | null,
): { verification: Verification; error: FerryError | null } {
  const containers = services.map((s): ContainerVerification => {
    const expected = builtId ?? last?.docker_image_digest ?? null;
    return {
      name: s.name,
      container: s.container,
      running: s.running,
      imageId: s.imageId,
      expected,
      matches: expected && s.imageId ? s.imageId === expected : null,
    };
  });
  const problems: string[] = [];
  let code: ErrorCode | null = null;
  let fix = 'ferry deploy';
  if (builtId) {
    for (const c of containers.filter((x) => x.matches === false)) {
      problems.push(`container ${c.container} runs ${c.imageId}, not the new build ${builtId}`);
      code ??= ErrorCode.DIGEST_MISMATCH;
      fix = `recreate ${c.container} from ${builtId} (a restart keeps the old image), then: ferry deploy`;
    }
  }
  for (const c of containers.filter((x) => !x.running)) {
    problems.push(`container ${c.container} is not running`);
    code ??= ErrorCode.HEALTH_FAILED;
  }
  for (const c of checks.filter((x) => !x.ok)) {
    problems.push(`${c.name} ${c.url}: ${c.status === null ? (c.error ?? 'no response') : `HTTP ${c.status}`}`);
    code ??= ErrorCode.HEALTH_FAILED;
  }
  if (code === ErrorCode.HEALTH_FAILED)
    fix = containers[0] ? `docker logs ${containers[0].container}   # then: ferry deploy` : 'ferry deploy';
  const warnings = builtId ? [] : digestWarnings(services, last, tagNowId);
  const verification = {
    ok: problems.length === 0,
    containers,
    checks: [...checks],
    digestWarnings: warnings,
    problems,
  };
  const error = code
    ? new FerryError(code, `verification failed: ${problems.join('; ')}`, { fix, details: { problems } })
    : null;
  return { verification, error };
}

export interface VerifyInput {
  runtime: ContainerRuntime | null;
  services: readonly ServiceRef[];
  checks: readonly HttpCheck[];
  builtId: string | null;
  last: LastDeployState | null;
  timeoutMs: number;
  retries: number;
  intervalMs: number;
}

export async function verifyDeployment(
  v: VerifyInput,
): Promise<{ verification: Verification; error: FerryError | null }> {
  const [services, checks] = await Promise.all([
    inspectServices(v.runtime, v.services),
    runChecks(v.checks, v.timeoutMs, v.retries, v.intervalMs),
  ]);
  let tagNowId: string | null = null;
  if (v.runtime && v.last?.docker_image_tag && !v.builtId)
    tagNowId = (await v.runtime.inspectImage(v.last.docker_image_tag))?.id ?? null;
  return evaluateVerification(services, checks, v.builtId, v.last, tagNowId);
}
