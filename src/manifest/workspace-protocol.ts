// The `workspace:` protocol (pnpm, yarn berry) in a package.json that is about to be packed: a
// registry cannot resolve `workspace:^`, so the published manifest must carry the member's version
// instead, by pnpm's publish rule. The repo keeps `workspace:`; only the packed copy changes. Pure.

import { ErrorCode, FerryError } from '../errors.js';
import { NPM_DEP_FIELDS } from './package-json.js';

export interface WorkspaceResolution {
  field: string;
  dependency: string;
  from: string;
  to: string;
}

/**
 * pnpm's rule for one spec: `workspace:*` → `1.5.0`, `workspace:^` → `^1.5.0`, `workspace:~` →
 * `~1.5.0`, `workspace:^1.2.0` (any explicit range) → `^1.2.0`. Null when the spec is not `workspace:`.
 */
export function resolveWorkspaceSpec(spec: string, version: string): string | null {
  if (!spec.startsWith('workspace:')) return null;
  const rest = spec.slice('workspace:'.length).trim();
  if (rest === '*' || rest === '') return version;
  if (rest === '^' || rest === '~') return `${rest}${version}`;
  return rest;
}

/**
 * The package.json text with every `workspace:` dependency replaced for publishing, and what changed.
 * @throws PUBLISH_FAILED when a `workspace:` dependency names no member with a version (`versions`),
 * or uses a form ferry does not resolve (an alias `workspace:pkg@*` or a path `workspace:../pkg`).
 */
export function resolveWorkspaceManifest(
  text: string,
  versions: ReadonlyMap<string, string>,
  file: string,
): { text: string; resolved: WorkspaceResolution[] } {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const resolved: WorkspaceResolution[] = [];
  for (const field of NPM_DEP_FIELDS) {
    const deps = doc[field];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [name, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof spec !== 'string' || !spec.startsWith('workspace:')) continue;
      const rest = spec.slice('workspace:'.length);
      const version = versions.get(name);
      if (!version || /[@/]/.test(rest.replace(/^[\^~]/, ''))) {
        throw new FerryError(
          ErrorCode.PUBLISH_FAILED,
          `${file}: ${field}.${name} is "${spec}", which ${version ? 'is a form ferry does not resolve' : 'names no workspace member with a version'}; the registry cannot install it`,
          {
            fix: `write "${name}": "workspace:^" (or a plain version range) in ${file}, then ferry release --resume <run_id>`,
            details: { file, field, dependency: name, spec },
          },
        );
      }
      const to = resolveWorkspaceSpec(spec, version) as string;
      (deps as Record<string, string>)[name] = to;
      resolved.push({ field, dependency: name, from: spec, to });
    }
  }
  if (!resolved.length) return { text, resolved };
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  return { text: `${JSON.stringify(doc, null, indent)}\n`, resolved };
}
