// Shared helpers of the Docker adapter: engine errors → ferry codes, inspect → ContainerInfo.

import type Docker from 'dockerode';
import { ErrorCode, FerryError, isFerryError } from '../../errors.js';
import type { ContainerInfo, ImageInfo } from './types.js';

export function statusOf(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null ? (e as { statusCode?: number }).statusCode : undefined;
}

export function messageOf(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const json = (e as { json?: { message?: string } }).json;
    if (json?.message) return json.message;
  }
  return e instanceof Error ? e.message : String(e);
}

function isConnError(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
  return code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** Rethrow as a ferry error: connection failures → RUNTIME_UNAVAILABLE, anything else → `code`. */
export function dockerError(e: unknown, code: ErrorCode, what: string): FerryError {
  if (isFerryError(e)) return e;
  if (isConnError(e)) {
    return new FerryError(ErrorCode.RUNTIME_UNAVAILABLE, `Docker engine unreachable (${messageOf(e)})`, {
      fix: 'docker info',
      cause: e,
      retryable: true,
    });
  }
  return new FerryError(code, `${what}: ${messageOf(e)}`, { cause: e, details: { status: statusOf(e) ?? null } });
}

export function toImageInfo(i: Docker.ImageInspectInfo): ImageInfo {
  return {
    id: i.Id,
    tags: i.RepoTags ?? [],
    repoDigests: i.RepoDigests ?? [],
    created: i.Created,
    ...(typeof i.Size === 'number' ? { size: i.Size } : {}),
  };
}

export function toContainerInfo(c: Docker.ContainerInspectInfo): ContainerInfo {
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    imageId: c.Image,
    image: c.Config.Image,
    running: c.State.Running,
    status: c.State.Status,
    labels: c.Config.Labels ?? {},
    binds: (c.Mounts ?? [])
      .filter((m) => m.Type === 'bind')
      .map((m) => ({ source: m.Source, destination: m.Destination })),
  };
}
