// `ferry init`'s reading of how each package is versioned: its tag template, inferred from the
// tags its repo already has (newest style wins), and the modules that repeat its version as
// `__version__` (taken when they hold the manifest's version). The decisions are pure
// (src/release/versions/); this file only reads tags and files.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Git } from '../adapters/git/git.js';
import { exec as defaultExec, type Exec } from '../util/process.js';
import { inferTagTemplate } from '../release/versions/infer-tag.js';
import { tagVars } from '../release/versions/tag-template.js';
import { readDunderVersion, VERSION_FILE_NAMES } from '../release/versions/version-files.js';
import { compareVersions, parseVersion, schemeOf } from '../release/versions/version.js';

export interface VersionPackage {
  name: string;
  ecosystem: 'python' | 'npm';
  repo: string;
  path: string;
  version: string | null;
}

export interface VersionSettings {
  /** The inferred tag template, when the repo's tags show one other than `defaultTag`. */
  tag?: string;
  /** `__version__` modules holding the manifest version (relative to the package dir). */
  versionFiles?: string[];
}

/** `__version__` modules under a package dir whose value equals `version` (PEP 440 equality). */
export function detectVersionFiles(pkgDir: string, version: string | null): string[] {
  const v = version === null ? null : parseVersion('pep440', version);
  if (v === null) return [];
  const out: string[] = [];
  for (const base of ['src', '.']) {
    const root = join(pkgDir, base);
    let dirs: string[];
    try {
      dirs = readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && !/^(\.|_|tests?$|docs?$|src$|node_modules$)/.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch {
      continue;
    }
    for (const d of dirs) {
      for (const file of VERSION_FILE_NAMES) {
        const path = join(root, d, file);
        if (!existsSync(path)) continue;
        const found = readDunderVersion(readFileSync(path, 'utf8'));
        const parsed = found === null ? null : parseVersion('pep440', found);
        if (parsed !== null && compareVersions('pep440', parsed, v) === 0)
          out.push(base === '.' ? `${d}/${file}` : `${base}/${d}/${file}`);
      }
    }
  }
  return out;
}

/** Per package name: the tag template and version files init writes (only what differs from the defaults). */
export async function inferVersionSettings(
  workspaceDir: string,
  packages: readonly VersionPackage[],
  defaultTag: string,
  exec: Exec = defaultExec,
): Promise<Map<string, VersionSettings>> {
  const git = new Git(exec);
  const tagsOf = new Map<string, string[]>();
  const out = new Map<string, VersionSettings>();
  for (const p of packages) {
    const repoDir = join(workspaceDir, p.repo);
    if (!tagsOf.has(p.repo)) tagsOf.set(p.repo, existsSync(join(repoDir, '.git')) ? await listTags(git, repoDir) : []);
    const siblings = packages.filter((s) => s.repo === p.repo && s.name !== p.name).map(tagVars);
    const inferred = inferTagTemplate(tagsOf.get(p.repo)!, {
      scheme: schemeOf(p.ecosystem),
      vars: tagVars(p),
      siblings,
    });
    const settings: VersionSettings = {};
    if (inferred && inferred.template !== defaultTag) settings.tag = inferred.template;
    if (p.ecosystem === 'python') {
      const files = detectVersionFiles(join(repoDir, p.path), p.version);
      if (files.length) settings.versionFiles = files;
    }
    out.set(p.name, settings);
  }
  return out;
}

async function listTags(git: Git, repoDir: string): Promise<string[]> {
  try {
    return await git.tags(repoDir, '*');
  } catch {
    // A repo without commits or tags reads as no tags; release planning reports real git failures.
    return [];
  }
}
