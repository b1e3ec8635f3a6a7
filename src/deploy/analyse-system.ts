// System state: are the configured service containers running (runtime adapter), do the HTTP
// checks answer (status codes), and do containers run the image the last deploy recorded.
import { checkOne } from '../adapters/runtime/health.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { CheckResult, DigestWarning, LastDeployState, ServiceStatus, SystemAnalysis } from './types.js';

export interface ServiceRef {
  name: string;
  container: string;
}

export interface HttpCheck {
  name: string;
  url: string;
}

export async function inspectServices(runtime: ContainerRuntime | null, services: readonly ServiceRef[]): Promise<ServiceStatus[]> {
  if (!runtime) return [];
  const out: ServiceStatus[] = [];
  for (const s of services) {
    const c = await runtime.inspectContainer(s.container);
    out.push(
      c
        ? { name: s.name, container: s.container, exists: true, running: c.running, status: c.status, imageId: c.imageId, image: c.image }
        : { name: s.name, container: s.container, exists: false, running: false, status: 'missing', imageId: null, image: null },
    );
  }
  return out;
}

/** Each check once (retries: 0 at analysis, more after executing); ok = 2xx. Never throws. */
export async function runChecks(checks: readonly HttpCheck[], timeoutMs: number, retries = 0, backoffMs = 500): Promise<CheckResult[]> {
  const results = await Promise.all(checks.map((c) => checkOne(c.name, c.url, { retries, timeoutMs, backoffMs, maxBackoffMs: Math.max(backoffMs, 4000) })));
  return results.map((r) => ({
    name: r.name,
    url: r.url,
    status: r.status,
    ok: r.ok,
    ...(r.ok ? {} : { error: r.error === 'ECONNREFUSED' ? 'connection refused' : (r.error ?? `HTTP ${r.status}`) }),
  }));
}

const AVOID = 'Refer to images by id or digest rather than a moving tag like :latest to avoid this.';

/**
 * Pure: containers whose image id differs from the recorded one, and a tag that now points at
 * another image than the deployed one. Both digests are named in full so they can be compared.
 */
export function digestWarnings(services: readonly ServiceStatus[], last: LastDeployState | null, tagNowId: string | null): DigestWarning[] {
  const expected = last?.docker_image_digest;
  if (!expected) return [];
  const tag = last.docker_image_tag ?? 'the deployed tag';
  const out: DigestWarning[] = [];
  for (const s of services) {
    if (!s.exists || !s.imageId || s.imageId === expected) continue;
    out.push({
      subject: s.container,
      expected,
      actual: s.imageId,
      message: `container ${s.container} runs image ${s.imageId}, but the last deploy recorded ${expected} for ${tag}: the tag can hide a different image than the one deployed`,
      fix: `Recreate ${s.container} from the deployed image (a restart keeps the image it has): \`docker tag ${expected} ${tag}\`, then recreate the container, or rebuild with \`ferry deploy --yes\`. ${AVOID}`,
    });
  }
  if (tagNowId && last.docker_image_tag && tagNowId !== expected) {
    out.push({
      subject: last.docker_image_tag,
      expected,
      actual: tagNowId,
      message: `${last.docker_image_tag} now points at ${tagNowId}, not the deployed ${expected} (rebuilt or pulled outside ferry)`,
      fix: `\`docker tag ${expected} ${last.docker_image_tag}\` restores the deployed image; or run \`ferry deploy --yes\` to rebuild and record it. ${AVOID}`,
    });
  }
  return out;
}

export async function analyseSystem(
  runtime: ContainerRuntime | null,
  services: readonly ServiceRef[],
  checks: readonly HttpCheck[],
  last: LastDeployState | null,
  timeoutMs: number,
): Promise<SystemAnalysis> {
  const [statuses, results] = await Promise.all([inspectServices(runtime, services), runChecks(checks, timeoutMs)]);
  let tagNowId: string | null = null;
  if (runtime && last?.docker_image_tag) tagNowId = (await runtime.inspectImage(last.docker_image_tag))?.id ?? null;
  return { services: statuses, checks: results, digestWarnings: digestWarnings(statuses, last, tagNowId) };
}
