// One release writer per repository, whatever the run id: the run lock only serialises resumes of one
// run, so two runs with different ids on one workspace both cut release branches (and, with GitHub,
// open duplicate PRs). Each repo's lock lives in its git directory, so it holds across --state-dir
// values too; a lock left by a dead process (kill -9) is taken over (engine/lock.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { acquireRunLock, type RunLock } from '../engine/lock.js';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';

/** The repository's own git directory (the common one when `.git` is a file: a worktree or submodule). */
export function gitCommonDir(repoDir: string): string {
  const dotGit = join(repoDir, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!m) return dotGit;
    const gitdir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : resolve(repoDir, m[1]!.trim());
    const common = join(gitdir, 'commondir');
    return existsSync(common) ? resolve(gitdir, readFileSync(common, 'utf8').trim()) : gitdir;
  } catch {
    return dotGit;
  }
}

/**
 * Lock every repo of a release run (sorted, all or none).
 * @throws LOCKED naming the repo, the run id and the pid of the run that holds it.
 */
export async function lockReleaseRepos(
  repoDirs: readonly string[],
  runId: string,
  workspace: string,
): Promise<RunLock> {
  const held: RunLock[] = [];
  const release = async () => {
    for (const l of held.reverse()) await l.release();
  };
  try {
    for (const dir of [...new Set(repoDirs)].sort()) {
      try {
        held.push(await acquireRunLock(join(gitCommonDir(dir), 'ferry-release'), `release ${runId}`));
      } catch (e) {
        if (!isFerryError(e) || e.code !== ErrorCode.LOCKED) throw e;
        const name = relative(workspace, dir) || '.';
        const why = String(e.message).replace(/^run is locked by /, '');
        const other = /\(release ([^)]+)\)$/.exec(why)?.[1];
        throw new FerryError(
          ErrorCode.LOCKED,
          `repo ${name} is being released by ${other ? `run ${other}` : 'another run'}: ${why.replace(/ \(release [^)]+\)$/, '')}`,
          {
            fix: other
              ? `wait for it, or resume that run instead: ferry release --resume ${other}`
              : (e.fix ?? 'wait for the other release to finish'),
            details: { ...e.details, run_id: other ?? null, repo: name },
          },
        );
      }
    }
  } catch (e) {
    await release();
    throw e;
  }
  return { release };
}
