// The manifest side of version truth for packages whose version is not a static manifest key
// (issue 19.5): a VCS-versioned package has none (its tags are the truth, and a release only tags);
// a module-versioned one (hatch `path`, setuptools `attr:`) has it in that module, which BUMP edits
// instead of the manifest. A version ferry can neither read nor write stops the plan, before the gate.

import { ErrorCode, FerryError } from '../../errors.js';
import { readPackageJson } from '../../manifest/package-json.js';
import { readPyproject } from '../../manifest/pyproject.js';
import { pythonVersionSource } from '../../manifest/version-source.js';
import type { DynamicVersion, ReleasePackage } from '../types.js';
import { readDunderVersion } from './version-files.js';

export interface ManifestVersion {
  /** The version the repo states (manifest key or version module), null when only tags say. */
  version: string | null;
  /** Set when the version is not the manifest's own key. */
  source: DynamicVersion | null;
}

// Versions package.json carries when the real one is set at publish time from the tag.
const NPM_PLACEHOLDERS = new Set(['0.0.0-development', '0.0.0-semantically-released', '0.0.0-semantic-release']);

const FIX =
  'give it a static version = "X.Y.Z" under [project], or take it from git tags (hatch-vcs, setuptools-scm) or from a module\'s __version__ ([tool.hatch.version] path, setuptools attr = "pkg.__version__")';

/**
 * Read the version of `pkg` at `ref` from `text` (its manifest there; null when it has none) and,
 * for a module-versioned package, from that module (`read`: repo-relative path → text at `ref`).
 * @throws CONFIG_INVALID when the version is dynamic in a way ferry cannot read or write, or its module is missing.
 */
export async function manifestVersionAt(
  pkg: Pick<ReleasePackage, 'name' | 'ecosystem' | 'path'>,
  ref: string,
  text: string | null,
  file: string,
  read: (path: string) => Promise<string | null>,
): Promise<ManifestVersion> {
  if (text === null) return { version: null, source: null };
  if (pkg.ecosystem === 'npm') {
    const version = readPackageJson(text, file).version;
    // semantic-release's convention: the version lives only in tags (and in the packed manifest).
    if (version === null || NPM_PLACEHOLDERS.has(version))
      return { version: null, source: { kind: 'vcs', backend: 'no version in package.json' } };
    return { version, source: null };
  }
  const src = pythonVersionSource(text);
  if (src.kind === 'static') return { version: readPyproject(text, file).version, source: null };
  if (src.kind === 'vcs')
    return {
      version: null,
      source: { kind: 'vcs', backend: src.backend, ...(src.customTags ? { custom_tags: true } : {}) },
    };
  if (src.kind === 'unreadable')
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `${pkg.name}: ${file}: ${src.why}; ferry can neither read nor write its version`,
      {
        fix: FIX,
        details: { package: pkg.name, file },
      },
    );
  const dir = pkg.path === '.' ? '' : `${pkg.path.replace(/\/$/, '')}/`;
  for (const candidate of src.candidates) {
    const content = await read(`${dir}${candidate}`);
    if (content === null) continue;
    const version = readDunderVersion(content);
    if (version === null)
      throw new FerryError(
        ErrorCode.CONFIG_INVALID,
        `${pkg.name}: ${src.backend} reads the version from ${dir}${candidate}, which has no __version__ = "…" line at ${ref}`,
        { fix: `add __version__ = "0.1.0" to ${dir}${candidate}`, details: { package: pkg.name, file: candidate } },
      );
    return { version, source: { kind: 'file', backend: src.backend, file: candidate } };
  }
  throw new FerryError(
    ErrorCode.CONFIG_INVALID,
    `${pkg.name}: ${src.backend} reads the version from ${src.candidates.map((c) => dir + c).join(' or ')}, and none exists at ${ref}`,
    { fix: FIX, details: { package: pkg.name, candidates: src.candidates } },
  );
}

// setuptools-scm's default tag regex (hatch-vcs uses setuptools-scm): an optional `<word>-` prefix, an
// optional v, then the version. `v1.2.0` and `acme-core-v1.2.0` parse; `acme-core/v1.2.0` and
// `acme-core@1.2.0` do not, and a build of such a tag is not the tagged version.
const SCM_DEFAULT_TAG = /^(?:[\w-]+-)?[vV]?(\d+(?:\.\d+){0,2}[^+]*)(?:\+.*)?$/;
const SCM_PLUGINS = new Set(['setuptools-scm', 'hatch-vcs']);

/**
 * Before the gate: a tag the package's VCS plugin would not read as `version` would build the wrong
 * version after the tag is pushed. @throws CONFIG_INVALID naming the tag and the fix.
 */
export function checkVcsTag(pkg: string, source: DynamicVersion, tag: string, version: string): void {
  if (source.kind !== 'vcs' || source.custom_tags || !SCM_PLUGINS.has(source.backend)) return;
  if (SCM_DEFAULT_TAG.exec(tag)?.[1] === version) return;
  throw new FerryError(
    ErrorCode.CONFIG_INVALID,
    `${pkg}: ${source.backend} reads its version from tags like v${version} or ${pkg}-v${version}; the release tag ${tag} would not build as ${version}`,
    {
      fix: `set tag: "v{version}" (or "{name}-v{version}") on ${pkg} in ferry.yaml, or a matching tag_regex in its pyproject.toml`,
      details: { package: pkg, tag, backend: source.backend },
    },
  );
}
