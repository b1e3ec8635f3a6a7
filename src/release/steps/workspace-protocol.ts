// PUBLISH for npm workspace members: the checkout being packed keeps `workspace:` specs (the repo's
// pnpm/yarn setup needs them), and `npm pack` copies them as they are, which no registry client can
// install. Before packing, they are resolved to the members' versions in that checkout, by pnpm's rule.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmWorkspaceVersions } from '../../config/members.js';
import { resolveWorkspaceManifest, type WorkspaceResolution } from '../../manifest/workspace-protocol.js';

const describeOne = (r: WorkspaceResolution): string => `${r.dependency} "${r.from}" → "${r.to}"`;

/**
 * Rewrite `<pkgDir>/package.json` of a scratch checkout (never the repo's own) with its `workspace:`
 * dependencies resolved from the members of `checkout`. @throws PUBLISH_FAILED (unresolvable spec).
 */
export function resolvePackedWorkspaceDeps(checkout: string, pkgDir: string): WorkspaceResolution[] {
  const file = join(pkgDir, 'package.json');
  const text = readFileSync(file, 'utf8');
  if (!text.includes('"workspace:')) return [];
  const { text: next, resolved } = resolveWorkspaceManifest(text, npmWorkspaceVersions(checkout), file);
  if (resolved.length) writeFileSync(file, next);
  return resolved;
}

/** Write `version` into the packed package.json of a package versioned only by tags (scratch checkout only). */
export function setPackedVersion(pkgDir: string, version: string): void {
  const file = join(pkgDir, 'package.json');
  const text = readFileSync(file, 'utf8');
  const doc = JSON.parse(text) as Record<string, unknown>;
  if (doc.version === version) return;
  doc.version = version;
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  writeFileSync(file, `${JSON.stringify(doc, null, indent)}\n`);
}

/** For the dry run: what packing will resolve, with this run's new versions for the packages it releases. */
export function describePackedWorkspaceDeps(
  repoDir: string,
  pkgDir: string,
  released: ReadonlyMap<string, string>,
): string | null {
  let text: string;
  try {
    text = readFileSync(join(pkgDir, 'package.json'), 'utf8');
  } catch {
    return null;
  }
  if (!text.includes('"workspace:')) return null;
  const versions = new Map([...npmWorkspaceVersions(repoDir), ...released]);
  try {
    const { resolved } = resolveWorkspaceManifest(text, versions, join(pkgDir, 'package.json'));
    return resolved.length
      ? `packed package.json: ${resolved.map(describeOne).join(', ')} (workspace: protocol)`
      : null;
  } catch (e) {
    return `packing will fail: ${(e as Error).message}`;
  }
}

export { describeOne as describeWorkspaceResolution };
