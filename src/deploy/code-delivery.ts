// How changed code reaches a service (issue 16 point 3). A restart picks up a code change only when
// the code is bind-mounted into the container; code baked into the image needs a new image and a
// container created from it. Decided from the containers' mounts, never assumed. Pure.
import { isAbsolute, join, relative } from 'node:path';
import type { ChangedFile, ServiceStatus } from './types.js';

export interface CodeDelivery {
  /** mounted: every changed code file is under a bind mount of every service; baked: some is not. */
  mode: 'mounted' | 'baked';
  /** One line for the plan: why a restart is enough, or why it is a rebuild + recreate. */
  why: string;
  /** Containers that see the changed code through a bind mount / that do not. */
  mounted: string[];
  baked: string[];
}

/** Is `file` (absolute) at or under `dir` (absolute)? */
function under(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Null when there is no changed code or no container to look at (the runtime reported no mounts):
 * then the plan stays as configured. `roots` are the repo root as configured and as resolved
 * (symlinks), since the engine reports the mount source the way it was given.
 */
export function codeDelivery(
  roots: readonly string[],
  files: readonly ChangedFile[],
  services: readonly ServiceStatus[],
): CodeDelivery | null {
  const code = files.filter((f) => f.class === 'code');
  const seen = services.filter((s) => s.exists && s.binds !== undefined);
  if (!code.length || !seen.length) return null;
  const mounted: string[] = [];
  const baked: string[] = [];
  let missing: { container: string; file: string } | null = null;
  for (const s of seen) {
    const lost = code.find((f) => !roots.some((root) => s.binds!.some((b) => under(join(root, f.path), b.source))));
    if (lost) {
      baked.push(s.container);
      missing ??= { container: s.container, file: lost.path };
    } else mounted.push(s.container);
  }
  if (missing) {
    return {
      mode: 'baked',
      why: `code is baked into the image: ${missing.file} is not under any bind mount of container ${missing.container}, so a restart would keep the old code; redeploy = rebuild the image + recreate the services`,
      mounted,
      baked,
    };
  }
  const first = seen[0]!;
  const mount = first.binds!.find((b) => roots.some((root) => under(join(root, code[0]!.path), b.source)))!;
  return {
    mode: 'mounted',
    why: `code is mounted into the services (${first.container}: ${mount.source} → ${mount.destination}), so a restart picks the change up`,
    mounted,
    baked,
  };
}
