// `.ferry/last-deploy.json`: what is deployed now. Read once at analysis, written atomically,
// updated by the seed's rules: after a successful build (image + config commits), after a
// successful deployment (code commit), and the timestamp on every deployment.
import { ErrorCode, FerryError } from '../errors.js';
import { writeJsonAtomic } from '../engine/state-store.js';
import { readTextOrNull } from '../util/fs.js';
import { quoteArg } from '../util/process.js';
import type { LastDeployState } from './types.js';

export function emptyLastDeploy(): LastDeployState {
  return {
    timestamp: '',
    config_commits: {},
    docker_image_tag: null,
    docker_image_digest: null,
    build_timestamp: null,
    code_commit: null,
    file_hashes: {},
  };
}

const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

/**
 * Accepts ferry's shape and the seed's `.last-deploy-state.json` (master_config_commit,
 * project_config_commit), so an existing seed state file can be pointed at with `state_file:`.
 */
export function normalizeLastDeploy(raw: unknown): LastDeployState {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  const r = raw as Record<string, unknown>;
  const commits: Record<string, string> = {};
  if (typeof r.config_commits === 'object' && r.config_commits !== null) {
    for (const [k, v] of Object.entries(r.config_commits)) if (typeof v === 'string') commits[k] = v;
  }
  for (const [k, v] of Object.entries(r)) {
    const m = /^(.+)_config_commit$/.exec(k);
    if (m && typeof v === 'string' && !(m[1]! in commits)) commits[m[1]!] = v;
  }
  const hashes: Record<string, string> = {};
  if (typeof r.file_hashes === 'object' && r.file_hashes !== null) {
    for (const [k, v] of Object.entries(r.file_hashes)) if (typeof v === 'string') hashes[k] = v;
  }
  return {
    timestamp: strOrNull(r.timestamp) ?? '',
    config_commits: commits,
    docker_image_tag: strOrNull(r.docker_image_tag),
    docker_image_digest: strOrNull(r.docker_image_digest),
    build_timestamp: strOrNull(r.build_timestamp),
    code_commit: strOrNull(r.code_commit),
    file_hashes: hashes,
    ...(strOrNull(r.image_size) ? { image_size: strOrNull(r.image_size) } : {}),
    ...(numOrNull(r.image_size_bytes) !== null ? { image_size_bytes: numOrNull(r.image_size_bytes) } : {}),
    ...(numOrNull(r.build_duration_seconds) !== null
      ? { build_duration_seconds: numOrNull(r.build_duration_seconds) }
      : {}),
  };
}

/** null when the file does not exist (never deployed). @throws STATE_CORRUPT on unreadable JSON. */
export async function readLastDeploy(path: string): Promise<LastDeployState | null> {
  const text = await readTextOrNull(path);
  if (text === null) return null;
  try {
    return normalizeLastDeploy(JSON.parse(text));
  } catch (e) {
    throw new FerryError(ErrorCode.STATE_CORRUPT, `${path} is not a valid last-deploy state: ${(e as Error).message}`, {
      fix: `mv ${quoteArg(path)} ${quoteArg(`${path}.bad`)}   # the next deploy treats everything as changed and records a fresh state`,
      cause: e,
    });
  }
}

export async function writeLastDeploy(path: string, state: LastDeployState): Promise<void> {
  await writeJsonAtomic(path, state);
}

export interface BuildFacts {
  imageTag: string | null;
  imageDigest: string | null;
  buildTimestamp: string;
  /** Config repo commits baked into the image. */
  configCommits: Record<string, string>;
  imageSize?: string | null;
  imageSizeBytes?: number | null;
  buildDurationMs?: number | null;
}

const roundTenth = (n: number): number => Math.round(n * 10) / 10;

/** Docker's way of printing a size: decimal units, three significant digits ("4.26MB", "1.2GB"). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : Number(v.toPrecision(3))}${units[i]}`;
}

/** Seed rule 1: after a successful build, capture every build field. */
export function afterBuild(prev: LastDeployState | null, b: BuildFacts, now: string): LastDeployState {
  // The previous build's size and duration describe another image: a build that reports none drops them.
  const {
    image_size: _size,
    image_size_bytes: _bytes,
    build_duration_seconds: _duration,
    ...base
  } = prev ?? emptyLastDeploy();
  return {
    ...base,
    timestamp: now,
    config_commits: { ...base.config_commits, ...b.configCommits },
    docker_image_tag: b.imageTag ?? base.docker_image_tag,
    docker_image_digest: b.imageDigest ?? base.docker_image_digest,
    build_timestamp: b.buildTimestamp,
    ...(b.imageSize ? { image_size: b.imageSize } : {}),
    ...(typeof b.imageSizeBytes === 'number' ? { image_size_bytes: b.imageSizeBytes } : {}),
    ...(typeof b.buildDurationMs === 'number' ? { build_duration_seconds: roundTenth(b.buildDurationMs / 1000) } : {}),
  };
}

/** Seed rules 2 and 3: after a successful deployment, record the code commit and the timestamp. */
export function afterDeploy(
  prev: LastDeployState | null,
  d: { codeCommit: string | null; fileHashes: Record<string, string> },
  now: string,
): LastDeployState {
  const base = prev ?? emptyLastDeploy();
  return { ...base, timestamp: now, code_commit: d.codeCommit ?? base.code_commit, file_hashes: { ...d.fileHashes } };
}
