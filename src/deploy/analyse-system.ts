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
  /** The service whose `health:` this URL is (a `checks:` entry with the same URL counts as it). */
  service?: string;
}

/**
 * Pure: every URL once. `checks:` entries first (their names), then each service's `health:` unless a
 * check already has that URL, in which case that check is tied to the service: one request per
 * URL, and a down service is named once in the reasons, not once more per check of it.
 */
export function httpChecks(
  checks: Readonly<Record<string, string>>,
  services: ReadonlyArray<{ name: string; health?: string | undefined }>,
): HttpCheck[] {
  const out: HttpCheck[] = [];
  for (const [name, url] of Object.entries(checks)) if (!out.some((c) => c.url === url)) out.push({ name, url });
  for (const s of services) {
    if (!s.health) continue;
    const same = out.find((c) => c.url === s.health);
    if (same) same.service ??= s.name;
    else out.push({ name: `${s.name} health`, url: s.health, service: s.name });
  }
  return out;
}

export async function inspectServices(
  runtime: ContainerRuntime | null,
  services: readonly ServiceRef[],
): Promise<ServiceStatus[]> {
  if (!runtime) return [];
  const out: ServiceStatus[] = [];
  for (const s of services) {
    const c = await runtime.inspectContainer(s.container);
    out.push(
      c
        ? {
            name: s.name,
            container: s.container,
            exists: true,
            running: c.running,
            status: c.status,
            imageId: c.imageId,
            image: c.image,
            ...(c.binds ? { binds: c.binds } : {}),
          }
        : {
            name: s.name,
            container: s.container,
            exists: false,
            running: false,
            status: 'missing',
            imageId: null,
            image: null,
          },
    );
  }
  return out;
}

/** Each check once (retries: 0 at analysis, more after executing); ok = 2xx. Never throws. */
export async function runChecks(
  checks: readonly HttpCheck[],
  timeoutMs: number,
  retries = 0,
  backoffMs = 500,
): Promise<CheckResult[]> {
  const results = await Promise.all(
    checks.map((c) =>
      checkOne(c.name, c.url, { retries, timeoutMs, backoffMs, maxBackoffMs: Math.max(backoffMs, 4000) }),
    ),
  );
  return results.map((r, i) => ({
    name: r.name,
    url: r.url,
    ...(checks[i]!.service ? { service: checks[i]!.service } : {}),
    status: r.status,
    ok: r.ok,
    ...(r.ok ? {} : { error: r.error === 'ECONNREFUSED' ? 'connection refused' : (r.error ?? `HTTP ${r.status}`) }),
  }));
}

const AVOID = 'Refer to images by id or digest rather than a moving tag like :latest to avoid this.';
/** How to recreate a container by hand: ferry recreates only as part of a rebuild. */
const RECREATE = 'the way it was created (docker rm -f + your docker run, or docker compose up -d --force-recreate)';

/**
 * Pure: containers whose image id differs from the recorded one, and a tag that now points at
 * another image than the deployed one. Both digests are named in full so they can be compared.
 * The fix only lists steps that are needed: no re-tag when the tag already points at the
 * deployed image (tagNowId), and no `ferry deploy` (a status check or restart keeps the image).
 */
export function digestWarnings(
  services: readonly ServiceStatus[],
  last: LastDeployState | null,
  tagNowId: string | null,
): DigestWarning[] {
  const expected = last?.docker_image_digest;
  if (!expected) return [];
  const tag = last.docker_image_tag;
  const out: DigestWarning[] = [];
  for (const s of services) {
    if (!s.exists || !s.imageId || s.imageId === expected) continue;
    // The reference the container was created from, when it is not the deployed tag (or an id).
    const from = s.image && s.image !== tag && s.image !== s.imageId ? ` (created from ${s.image})` : '';
    const why = from
      ? `${from}, but the last deploy recorded ${expected}${tag ? ` (${tag})` : ''}`
      : `, but the last deploy recorded ${expected} for ${tag ?? 'the deployed tag'}: the tag can hide a different image than the one deployed`;
    const retag = tag && tagNowId !== expected ? `\`docker tag ${expected} ${tag}\`, then ` : '';
    out.push({
      subject: s.container,
      expected,
      actual: s.imageId,
      message: `container ${s.container} runs image ${s.imageId}${why}`,
      fix: `${retag}recreate ${s.container} from ${tag ?? expected} ${RECREATE}; a restart keeps the image a container has. ${AVOID}`,
    });
  }
  if (tagNowId && tag && tagNowId !== expected) {
    out.push({
      subject: tag,
      expected,
      actual: tagNowId,
      message: `${tag} now points at ${tagNowId}, not the deployed ${expected} (rebuilt or pulled outside ferry)`,
      fix: `\`docker tag ${expected} ${tag}\` restores the deployed image (otherwise the next container created from ${tag} runs an image ferry did not deploy). ${AVOID}`,
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
