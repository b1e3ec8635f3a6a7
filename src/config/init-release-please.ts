// `ferry init` reading a repo's release-please setup (release-please-config.json and
// .release-please-manifest.json at the repo root): the pre-1.0 policies a package had there
// (`bump-minor-pre-major`, `bump-patch-for-minor-pre-major`, top level or per package path) carry
// over under ferry's names, and the manifest's last released versions are compared with what ferry
// reads, so a repo moving from release-please starts where it left off.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions, parseVersion, schemeOf } from '../release/versions/version.js';

export const RELEASE_PLEASE_CONFIG = 'release-please-config.json';
export const RELEASE_PLEASE_MANIFEST = '.release-please-manifest.json';

export interface ReleasePleaseFiles {
  /** release-please-config.json, parsed (null: none). */
  config: Record<string, unknown> | null;
  /** .release-please-manifest.json: package path → last released version (null: none). */
  manifest: Record<string, string> | null;
  warnings: string[];
}

export interface ReleasePleasePolicy {
  bump_minor_pre_major?: boolean;
  bump_patch_for_minor_pre_major?: boolean;
  /** The version .release-please-manifest.json records for the package. */
  released?: string;
}

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** `./packages/ui/` → `packages/ui`; `` and `./` → `.`. */
function normalPath(p: string): string {
  const s = p.replace(/^\.\//, '').replace(/\/+$/, '');
  return s === '' ? '.' : s;
}

/** Read both files of a repo; a file that is not JSON is a warning, never a failed init. */
export function readReleasePlease(repoDir: string, repo: string): ReleasePleaseFiles {
  const warnings: string[] = [];
  const read = (name: string): Record<string, unknown> | null => {
    let text: string;
    try {
      text = readFileSync(join(repoDir, name), 'utf8');
    } catch {
      return null;
    }
    try {
      const doc = JSON.parse(text) as unknown;
      if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc as Record<string, unknown>;
    } catch {
      /* reported below */
    }
    warnings.push(`${repo}/${name} is not a JSON object; its release-please settings were not read`);
    return null;
  };
  const config = read(RELEASE_PLEASE_CONFIG);
  const raw = read(RELEASE_PLEASE_MANIFEST);
  const manifest = raw
    ? Object.fromEntries(
        Object.entries(raw)
          .filter((e): e is [string, string] => typeof e[1] === 'string')
          .map(([k, v]) => [normalPath(k), v]),
      )
    : null;
  return { config, manifest, warnings };
}

/** Pure: a package's release-please policies (its `packages.<path>` entry over the top level) and recorded version. */
export function releasePleasePolicy(files: ReleasePleaseFiles, path: string): ReleasePleasePolicy {
  const top = obj(files.config);
  const entry = Object.entries(obj(top.packages)).find(([k]) => normalPath(k) === normalPath(path))?.[1];
  const own = obj(entry);
  const flag = (key: string): boolean | undefined => {
    const v = own[key] ?? top[key];
    return typeof v === 'boolean' ? v : undefined;
  };
  const out: ReleasePleasePolicy = {};
  if (flag('bump-minor-pre-major') === true) out.bump_minor_pre_major = true;
  if (flag('bump-patch-for-minor-pre-major') === true) out.bump_patch_for_minor_pre_major = true;
  const released = files.manifest?.[normalPath(path)];
  if (released !== undefined) out.released = released;
  return out;
}

/**
 * Pure: a warning when release-please recorded a release that neither the package's manifest nor
 * any tag of its repo holds (ferry would plan from an older version), else null.
 */
export function releasePleaseVersionWarning(
  pkg: { name: string; ecosystem: 'python' | 'npm'; version: string | null; repo: string },
  released: string | undefined,
  tags: readonly string[],
): string | null {
  if (released === undefined) return null;
  // release-please tags `v1.2.3` or `<component>-v1.2.3`; any tag ending in the version will do.
  if (tags.some((t) => t.endsWith(released))) return null;
  const scheme = schemeOf(pkg.ecosystem);
  const rp = parseVersion(scheme, released);
  if (rp === null)
    return `${pkg.repo}/${RELEASE_PLEASE_MANIFEST} records ${pkg.name} ${released}, which is not a valid version; ignored`;
  const own = pkg.version === null ? null : parseVersion(scheme, pkg.version);
  if (own !== null && compareVersions(scheme, rp, own) <= 0) return null;
  return `${pkg.repo}/${RELEASE_PLEASE_MANIFEST} records ${pkg.name} ${released}, newer than its manifest (${pkg.version ?? 'no static version'}) and held by no tag: ferry plans from the highest of the manifest and the release tags, so tag the commit release-please released as ${released} (in the package's tag style)`;
}
