// Local changes: `git status` + `git diff <last deployed code commit>..HEAD`, plus env files by
// content hash (they are usually git-ignored, so git alone would never see a `.env` edit).
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';
import { quoteArg, type Exec } from '../util/process.js';
import { classifyPath, parseNameOnlyZ, parsePorcelainZ, type StatusEntry } from './classify.js';
import type { ChangedFile, LastDeployState, LocalAnalysis, PathRule } from './types.js';

export const DELETED = 'deleted';

export interface LocalFacts {
  head: string | null;
  base: string | null;
  status: StatusEntry[];
  /** Paths in base..HEAD. */
  committed: string[];
  /** Env-class files found at the repo root (ignored or not). */
  envFiles: string[];
  /** sha256 (or DELETED) of every path that may be reported. */
  hashes: Record<string, string>;
  warnings: string[];
}

/**
 * Pure: facts + the last deploy → changed files. A file whose content equals what the last deploy
 * recorded is not a change (so an uncommitted edit that was deployed is not deployed twice), and
 * env files found only on disk count when there is a recorded baseline to compare with.
 */
export function localChanges(
  f: LocalFacts,
  last: LastDeployState | null,
  rules: readonly PathRule[] | undefined,
): LocalAnalysis {
  const recorded = last?.file_hashes;
  const byPath = new Map<string, ChangedFile>();
  const add = (path: string, change: ChangedFile['change'], source: ChangedFile['source']): void => {
    if (!byPath.has(path)) byPath.set(path, { path, class: classifyPath(path, rules), change, source });
  };
  for (const s of f.status) add(s.path, s.change, 'worktree');
  for (const p of f.committed) add(p, 'modified', 'committed');
  if (last && recorded) {
    for (const p of f.envFiles) if (recorded[p] !== f.hashes[p]) add(p, 'changed', 'file');
    // A deployed uncommitted edit that was later reverted or edited again differs from what runs.
    for (const [p, h] of Object.entries(recorded)) {
      if (f.hashes[p] !== undefined && f.hashes[p] !== h)
        add(p, f.hashes[p] === DELETED ? 'deleted' : 'changed', 'file');
    }
  }
  const files = [...byPath.values()]
    .filter((c) => c.class !== 'ignore')
    .filter((c) => !(recorded && recorded[c.path] !== undefined && recorded[c.path] === f.hashes[c.path]))
    .sort((a, b) => a.path.localeCompare(b.path));
  const hashes: Record<string, string> = {};
  for (const p of [...f.status.map((s) => s.path), ...f.envFiles]) {
    const h = f.hashes[p];
    if (h !== undefined && classifyPath(p, rules) !== 'ignore') hashes[p] = h;
  }
  return { head: f.head, base: f.base, files, hashes, warnings: f.warnings };
}

async function hashFile(path: string): Promise<string> {
  try {
    return (
      'sha256:' +
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex')
    );
  } catch {
    return DELETED;
  }
}

/** IO: run git in `root` and hash the candidate files. @throws CONFIG_INVALID when root is not a git work tree. */
export async function collectLocalFacts(
  exec: Exec,
  root: string,
  last: LastDeployState | null,
  rules: readonly PathRule[] | undefined,
): Promise<LocalFacts> {
  const git = (args: string[]) => exec('git', args, { cwd: root, reject: false });
  const inside = await git(['rev-parse', '--is-inside-work-tree']);
  if (inside.exitCode !== 0 || inside.stdout.trim() !== 'true') {
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `${root} is not a git work tree; ferry deploy analyses local changes with git`,
      {
        fix: `git -C ${quoteArg(root)} init   # or set deploy.repo in ferry.yaml`,
      },
    );
  }
  const warnings: string[] = [];
  const headR = await git(['rev-parse', '--verify', '-q', 'HEAD']);
  const head = headR.exitCode === 0 ? headR.stdout.trim() : null;
  const status = parsePorcelainZ(
    (await exec('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: root })).stdout,
  );

  let base: string | null = null;
  let committed: string[] = [];
  const lastCode = last?.code_commit ?? null;
  if (lastCode && head) {
    const known = await git(['cat-file', '-e', `${lastCode}^{commit}`]);
    if (known.exitCode === 0) {
      base = lastCode;
      committed = parseNameOnlyZ(
        (await exec('git', ['diff', '--name-only', '-z', `${lastCode}..HEAD`], { cwd: root })).stdout,
      );
    } else {
      warnings.push(
        `last deployed code commit ${lastCode.slice(0, 7)} is not in this repository's history; only uncommitted changes were analysed`,
      );
    }
  }

  const envFiles: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (e.isFile() && classifyPath(e.name, rules) === 'env') envFiles.push(e.name);
  }
  const paths = new Set([
    ...status.map((s) => s.path),
    ...committed,
    ...envFiles,
    ...Object.keys(last?.file_hashes ?? {}),
  ]);
  const hashes: Record<string, string> = {};
  for (const p of paths) hashes[p] = await hashFile(join(root, p));
  return { head, base, status, committed, envFiles: envFiles.sort(), hashes, warnings };
}

export async function analyseLocal(
  exec: Exec,
  root: string,
  last: LastDeployState | null,
  rules: readonly PathRule[] | undefined,
): Promise<LocalAnalysis> {
  return localChanges(await collectLocalFacts(exec, root, last, rules), last, rules);
}
