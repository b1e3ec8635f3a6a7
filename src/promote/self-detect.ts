// ferry never restarts the container it runs in (seed: restarting 8500 from inside kills the worker
// mid-call). Who am I: FERRY_CONTAINER_ID, container ids in /proc/self/cgroup (cgroup v1) and
// /proc/self/mountinfo (cgroup v2: /var/lib/docker/containers/<id>/hostname), and the hostname when
// /.dockerenv exists (Docker sets it to the 12-hex short id).

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ErrorCode, FerryError } from '../errors.js';

export interface SelfIdentity {
  inContainer: boolean;
  /** Full or short container ids this process may be running in. */
  ids: string[];
  hostname: string | null;
  sources: string[];
}

export interface SelfProbe {
  env: NodeJS.ProcessEnv;
  cgroup: string | null;
  mountinfo: string | null;
  dockerenv: boolean;
  hostname: string;
}

const ID64 = /[0-9a-f]{64}/g;

/** Pure: container ids named in /proc/self/cgroup (docker-<id>.scope, /docker/<id>, /kubepods/…/<id>). */
export function idsFromCgroup(text: string): string[] {
  return [...new Set(text.match(ID64) ?? [])];
}

/** Pure: ids of /var/lib/docker/containers/<id>/… bind mounts (hostname, hosts, resolv.conf). */
export function idsFromMountinfo(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/\/containers\/([0-9a-f]{64})\//g)) ids.add(m[1]!);
  return [...ids];
}

/** Pure: everything the probe says about which container we are in. */
export function identify(p: SelfProbe): SelfIdentity {
  const ids = new Set<string>();
  const sources: string[] = [];
  const explicit = p.env.FERRY_CONTAINER_ID?.trim();
  if (explicit) {
    ids.add(explicit.toLowerCase());
    sources.push('FERRY_CONTAINER_ID');
  }
  const fromCgroup = p.cgroup ? idsFromCgroup(p.cgroup) : [];
  if (fromCgroup.length) sources.push('/proc/self/cgroup');
  const fromMounts = p.mountinfo ? idsFromMountinfo(p.mountinfo) : [];
  if (fromMounts.length) sources.push('/proc/self/mountinfo');
  for (const id of [...fromCgroup, ...fromMounts]) ids.add(id);
  const host = p.dockerenv && /^[0-9a-f]{12}$/.test(p.hostname) ? p.hostname : null;
  if (host) {
    ids.add(host);
    sources.push('hostname');
  }
  if (p.dockerenv) sources.push('/.dockerenv');
  return { inContainer: p.dockerenv || ids.size > 0, ids: [...ids], hostname: host, sources };
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function probeSelf(env: NodeJS.ProcessEnv = process.env): SelfProbe {
  return {
    env,
    cgroup: readOrNull('/proc/self/cgroup'),
    mountinfo: readOrNull('/proc/self/mountinfo'),
    dockerenv: existsSync('/.dockerenv'),
    hostname: hostname(),
  };
}

/** Pure: is the target container (full id, name) the one we run in? An id matches by prefix (≥ 12 hex). */
export function isSelf(self: SelfIdentity, target: { id: string; name: string }): boolean {
  const tid = target.id.toLowerCase().replace(/^sha256:/, '');
  return self.ids.some((id) => (id.length >= 12 && tid.startsWith(id)) || id === target.name);
}

/** @throws SELF_RESTART_REFUSED */
export function assertNotSelf(self: SelfIdentity, target: { id: string; name: string }, service: string): void {
  if (isSelf(self, target)) {
    throw new FerryError(
      ErrorCode.SELF_RESTART_REFUSED,
      `ferry is running inside ${target.name} (${target.id.slice(0, 12)}, detected via ${self.sources.join(', ')}): it never restarts its own container`,
      {
        fix: `ferry self-deploy ${service} --env production   (run from the host; the detached hook restarts it)`,
        details: { container: target.name, container_id: target.id, sources: self.sources },
      },
    );
  }
}
