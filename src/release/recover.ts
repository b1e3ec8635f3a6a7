// Truth from the world, not only from tags (issue 14 point 3): a package whose last release tag
// exists but whose version is not on its registry was tagged and never uploaded (a kill after TAG,
// then a lost or deleted state file). It is not NOTHING_TO_RELEASE: a plain run refuses to go on
// (its dependents would pin a version nobody can install) and `ferry release --recover` uploads
// exactly the tagged commit's build. Recovery is idempotent by construction: every attempt asks the
// registry first, and the built files are kept until the upload is confirmed, so a kill at any
// instant is undone by running the same command again.

import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Git } from '../adapters/git/git.js';
import { fileDigests } from '../adapters/registry/common.js';
import type { Artifact, Registry } from '../adapters/registry/types.js';
import { writeFileDurable } from '../engine/durable-write.js';
import { ErrorCode, FerryError } from '../errors.js';
import { mapLimit } from '../util/concurrency.js';
import type { Exec } from '../util/process.js';
import { slug } from './steps/deps.js';
import type { PlanRow, ReleasePackage } from './types.js';

/** A package tagged on the remote history but not on its registry. */
export interface Unpublished {
  package: string;
  version: string;
  tag: string;
  registry: string;
}

export interface RecoverDeps {
  registry(key: string): Promise<Registry>;
  note(text: string): void;
  /** Was `tag` (in the package's repo) made by ferry's TAG step? Only those promise an upload. */
  ferryTagged?(pkg: ReleasePackage, tag: string, version: string): Promise<boolean>;
  /** Did a `--recover` of this version start and not finish (killed)? Then it is unfinished whatever the registry shows. */
  recoveryUnfinished?(pkg: ReleasePackage, version: string): boolean;
}

/** Where `--recover` keeps its worktree and built files for one version until the upload is confirmed. */
export function recoveryDir(home: string, pkg: string, version: string): string {
  return join(home, 'recover', `${slug(pkg)}-${slug(version)}`);
}

/** A `--recover` of this version started here and did not finish (its directory goes only after the upload is confirmed). */
export function recoveryStarted(home: string, pkg: string, version: string): boolean {
  return existsSync(recoveryDir(home, pkg, version));
}

/**
 * ferry's TAG step writes an annotated tag `release <tag>`, or a lightweight one on its release
 * commit. A tag someone else made (an import, a project's first tag) never promised an upload.
 */
export async function madeByFerry(
  exec: Exec,
  pkg: Pick<ReleasePackage, 'repoDir' | 'name'>,
  tag: string,
  version: string,
  commitTemplate: string,
): Promise<boolean> {
  const r = await exec(
    'git',
    [
      '-C',
      pkg.repoDir,
      'for-each-ref',
      '--format=%(objecttype)%00%(contents:subject)%00%(subject)',
      `refs/tags/${tag}`,
    ],
    { reject: false },
  );
  const [type, message, subject] = r.stdout.trim().split('\0');
  if (type === 'tag') return message === `release ${tag}`;
  if (type !== 'commit' || !subject) return false;
  const prefix = commitTemplate.split('{')[0] ?? '';
  return subject.startsWith(prefix) && (subject.includes(`${pkg.name} v${version}`) || subject.includes(`v${version}`));
}

/**
 * Which packages' last release (the tag `current` comes from) is not on their registry. A registry
 * that cannot be asked is warned about, never taken for "published" silently.
 */
export async function findUnpublished(
  rows: readonly PlanRow[],
  pkgs: readonly ReleasePackage[],
  deps: RecoverDeps,
): Promise<Unpublished[]> {
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const candidates = rows.filter((r) => {
    const p = byName.get(r.package);
    return p && p.publish !== false && r.current_from === 'tag' && r.last_tag;
  });
  const found = await mapLimit(candidates, 4, async (r): Promise<Unpublished | null> => {
    const key = byName.get(r.package)!.publish as string;
    try {
      if (deps.ferryTagged && !(await deps.ferryTagged(byName.get(r.package)!, r.last_tag!, r.current))) return null;
      // A recovery killed mid-upload (twine sends file by file): the registry has the version but maybe
      // not every file, and the leftovers (a worktree in the user's clone) are still there.
      if (deps.recoveryUnfinished?.(byName.get(r.package)!, r.current))
        return { package: r.package, version: r.current, tag: r.last_tag!, registry: key };
      const seen = await (await deps.registry(key)).lookup(r.package, r.current);
      return seen.exists ? null : { package: r.package, version: r.current, tag: r.last_tag!, registry: key };
    } catch (e) {
      deps.note(
        `warning: could not check whether ${r.package} ${r.current} (tag ${r.last_tag}) is on registry ${key}: ${(e as Error).message.split('\n')[0]}`,
      );
      return null;
    }
  });
  return found.filter((u): u is Unpublished => u !== null);
}

export function describeUnpublished(list: readonly Unpublished[]): string {
  return list.map((u) => `${u.package} ${u.version} (tag ${u.tag}, registry ${u.registry})`).join(', ');
}

/** @returns the error a real run stops with, before the gate, when tagged versions are missing. */
export function taggedNotPublished(list: readonly Unpublished[]): FerryError {
  return new FerryError(
    ErrorCode.TAGGED_NOT_PUBLISHED,
    `tagged, not published: ${describeUnpublished(list)}; releasing now would let dependents pin a version nobody can install`,
    {
      fix: `ferry release --recover   # uploads exactly the tagged commit's build of ${list.map((u) => u.package).join(', ')}; then ferry release`,
      details: { unpublished: list.map((u) => ({ ...u })) },
    },
  );
}

interface Kept {
  tag: string;
  artifacts: Artifact[];
}

/** Files built by an earlier, killed recovery of the same tag, if every one is intact. */
async function keptArtifacts(file: string, tag: string): Promise<Artifact[] | null> {
  if (!existsSync(file)) return null;
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Kept;
    if (kept.tag !== tag || !Array.isArray(kept.artifacts) || kept.artifacts.length === 0) return null;
    for (const a of kept.artifacts)
      if (!existsSync(a.path) || (await fileDigests(a.path)).sha256 !== a.sha256) return null;
    return kept.artifacts;
  } catch {
    return null;
  }
}

export interface RecoverOptions {
  home: string;
  git: Git;
  skipWait: boolean;
  timeoutMinutes: number;
  log(text: string): void;
}

/**
 * Build each package from its tag (a detached worktree of exactly the tagged commit) and upload it
 * unless the registry already has it. @throws the registry's PUBLISH_* errors; running again resumes.
 */
export async function recoverUnpublished(
  list: readonly Unpublished[],
  pkgs: readonly ReleasePackage[],
  deps: RecoverDeps,
  o: RecoverOptions,
): Promise<{ package: string; version: string; publish: 'uploaded' | 'skipped' }[]> {
  const out: { package: string; version: string; publish: 'uploaded' | 'skipped' }[] = [];
  for (const u of list) {
    const pkg = pkgs.find((p) => p.name === u.package);
    if (!pkg) continue;
    const registry = await deps.registry(u.registry);
    const base = recoveryDir(o.home, u.package, u.version);
    const src = join(base, 'src');
    const dist = join(base, 'dist');
    const keptFile = join(base, 'artifacts.json');
    const sha = await o.git.revParse(pkg.repoDir, `refs/tags/${u.tag}^{commit}`);
    if (!sha)
      throw new FerryError(ErrorCode.TAG_CONFLICT, `tag ${u.tag} of ${u.package} is not in ${pkg.repoDir}`, {
        fix: `git -C ${pkg.repoDir} fetch --tags   # then: ferry release --recover`,
      });
    const log = (m: string) => o.log(`  ${u.package}: ${m}`);
    o.log(`${u.package} ${u.version}: publishing from tag ${u.tag} (${sha.slice(0, 12)})`);
    // Like a step's commands, the recovery's can tell what they belong to (hooks, the crash-matrix wrappers).
    process.env.FERRY_STEP = `${u.package}/RECOVER`;
    try {
      let artifacts = await keptArtifacts(keptFile, u.tag);
      await o.git.removeWorktree(pkg.repoDir, src);
      await rm(src, { recursive: true, force: true });
      await mkdir(base, { recursive: true });
      const add = await o.git.addWorktree(pkg.repoDir, src, null, sha);
      if (add.exitCode !== 0)
        throw new FerryError(
          ErrorCode.PUBLISH_FAILED,
          `cannot check out ${u.tag} for publishing: ${add.stderr.trim()}`,
          {
            fix: 'ferry release --recover',
          },
        );
      const input = { name: u.package, version: u.version, packageDir: join(src, pkg.path), distDir: dist, log };
      if (!artifacts) {
        await rm(dist, { recursive: true, force: true });
        await mkdir(dist, { recursive: true });
        artifacts = await registry.build(input);
        // Kept so a kill after a partial upload re-sends the same files, never a rebuild with other digests.
        writeFileDurable(keptFile, JSON.stringify({ tag: u.tag, artifacts } satisfies Kept));
      } else log(`reusing the files built by an earlier --recover (${artifacts.map((a) => a.filename).join(', ')})`);
      const publish = await registry.publish(input, artifacts);
      if (!o.skipWait)
        await registry.waitVisible(u.package, u.version, o.timeoutMinutes * 60_000, log, undefined, {
          fix: 'ferry release --recover   # or add --skip-registry-wait',
        });
      out.push({ package: u.package, version: u.version, publish });
      await o.git.removeWorktree(pkg.repoDir, src);
      await rm(base, { recursive: true, force: true });
    } finally {
      await o.git.removeWorktree(pkg.repoDir, src).catch(() => {});
      delete process.env.FERRY_STEP;
    }
  }
  return out;
}
