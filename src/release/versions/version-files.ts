// Version files: modules that repeat the package version as `__version__ = "1.2.0"` (the
// `__init__.py` / `_version.py` / `version.py` convention), like release-please's extra-files.
// Pure: read and set the assignment, pick the candidates, and say which would be left stale.

import { posix } from 'node:path';

// `__version__ = "1.2.0"`, `__version__: str = '1.2.0'`, at the start of a line.
const ASSIGN = /^(__version__\s*(?::\s*[A-Za-z_][\w.[\], ]*)?=\s*)(['"])([^'"\n]*)\2/m;

export const VERSION_FILE_NAMES = ['__init__.py', '_version.py', 'version.py'] as const;

/** The `__version__` value a module assigns, or null when it assigns none. */
export function readDunderVersion(text: string): string | null {
  return ASSIGN.exec(text)?.[3] ?? null;
}

/** The module with its `__version__` set to `version` (same quotes, nothing else touched); null when it has none. */
export function setDunderVersion(text: string, version: string): string | null {
  if (!ASSIGN.test(text)) return null;
  return text.replace(ASSIGN, (_m, head: string, q: string) => `${head}${q}${version}${q}`);
}

/**
 * Whether a path (relative to the package dir) is where packages keep their version: a top-level
 * module's `__init__.py`, `_version.py` or `version.py`, in `src/<module>/` or `<module>/`.
 */
export function isVersionFileCandidate(path: string): boolean {
  const parts = path.split('/');
  const name = parts.at(-1) ?? '';
  if (!(VERSION_FILE_NAMES as readonly string[]).includes(name)) return false;
  const dirs = parts.slice(0, -1);
  if (dirs.length === 2) return dirs[0] === 'src' && !/^(tests?|docs?)$/.test(dirs[1]!);
  return dirs.length === 1 && !/^(tests?|docs?|src)$/.test(dirs[0]!);
}

export interface VersionFileState {
  /** Relative to the package dir. */
  path: string;
  /** The `__version__` it holds, null when the file is missing or assigns none. */
  version: string | null;
}

export interface VersionFileReport {
  /** Listed files BUMP will set to the new version. */
  update: VersionFileState[];
  /** Notes and warnings for the plan: stale listed files, unlisted files a release would leave behind. */
  warnings: string[];
  /** Listed files BUMP cannot update (missing, or no `__version__`): a config error before the gate. */
  broken: string[];
}

/**
 * What a release does to the package's version files. `listed` = packages[].version_files;
 * `found` = every candidate module that assigns `__version__` (listed or not), `current` = the
 * manifest's version.
 */
export function versionFileReport(
  pkg: string,
  current: string | null,
  listed: readonly string[],
  found: readonly VersionFileState[],
): VersionFileReport {
  const norm = (p: string): string => posix.normalize(p.replace(/^\.\//, ''));
  const byPath = new Map(found.map((f) => [norm(f.path), f.version]));
  const update: VersionFileState[] = [];
  const warnings: string[] = [];
  const broken: string[] = [];
  for (const raw of listed) {
    const path = norm(raw);
    const version = byPath.get(path) ?? null;
    if (version === null) {
      broken.push(path);
      continue;
    }
    update.push({ path, version });
    if (current !== null && version !== current)
      warnings.push(
        `${pkg}: ${path} has __version__ "${version}" but the manifest has ${current} (stale); the release sets both`,
      );
  }
  const listedSet = new Set(listed.map(norm));
  for (const f of found) {
    const path = norm(f.path);
    if (listedSet.has(path) || f.version === null) continue;
    warnings.push(
      `${pkg}: ${path} holds __version__ "${f.version}" and is not in packages[].version_files: the release would leave it stale (add version_files: [${path}])`,
    );
  }
  return { update, warnings, broken };
}
