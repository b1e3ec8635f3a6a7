// Which ref a repo's release is cut from: `<remote>/<main_branch>` (packages[].main_branch, default
// release.main_branch). A configured branch the remote does not have stops the plan (dry run
// included) with the remote's branches and the fix, never later at WORKTREE, after the gate.

import { relative } from 'node:path';
import type { Git } from '../adapters/git/git.js';
import { ErrorCode, FerryError } from '../errors.js';
import { formatCommand } from '../util/process.js';

export interface RefRequest {
  /** Repo clone. */
  dir: string;
  remote: string;
  branch: string;
  /** Packages released from this repo (for the message and fix). */
  packages: readonly string[];
  /** Whether the remote was fetched just before (real run): then a missing tracking ref is a missing branch. */
  fetched: boolean;
  workspaceDir: string;
  configPath: string;
  note(message: string): void;
  /** The tracking and local branch refs when already read (the scan lists them with the tags); else read here. */
  shas?: ReadonlyMap<string, string>;
}

/** Branch names on the remote (`git ls-remote --heads`), or null when it cannot be read; only read on error. */
async function remoteBranches(git: Git, dir: string, remote: string): Promise<string[] | null> {
  const r = await git.run(dir, ['ls-remote', '--heads', remote], false);
  if (r.exitCode !== 0) return null;
  return r.stdout
    .split('\n')
    .map((l) => l.split('\t')[1]?.replace(/^refs\/heads\//, ''))
    .filter((b): b is string => Boolean(b))
    .sort();
}

/**
 * The ref to scan and cut the release from. `refs/remotes/<remote>/<branch>` when it exists; the
 * local branch (else HEAD) for a repo with no remote. Local commits not on the remote are noted.
 * @throws FerryError CONFIG_INVALID when the remote has no such branch, or (real run) the repo has no such remote.
 */
export async function releaseRef(git: Git, r: RefRequest): Promise<string> {
  const tracking = `refs/remotes/${r.remote}/${r.branch}`;
  const local = `refs/heads/${r.branch}`;
  // One read for both refs: the scan's git calls per repo are what planning a large ecosystem costs.
  const shas = r.shas ?? (await git.refShas(r.dir, [tracking, local]));
  const name = relative(r.workspaceDir, r.dir) || '.';
  if (shas.has(tracking)) {
    // The release is cut from the remote: local commits that were never pushed are not in it. Say so,
    // or "nothing to release" after a forgotten push reads as if the commits were not there.
    if (shas.has(local) && shas.get(local) !== shas.get(tracking)) {
      const unpushed = (await git.log(r.dir, `${tracking}..${local}`)).length;
      if (unpushed > 0)
        r.note(
          `note: ${name}: ${unpushed} commit${unpushed === 1 ? '' : 's'} on local ${r.branch} ${unpushed === 1 ? 'is' : 'are'} not on ${r.remote}/${r.branch} and not part of this release (push first: ${formatCommand('git', ['-C', r.dir, 'push', r.remote, r.branch])})`,
        );
    }
    return tracking;
  }
  if (!(await git.hasRemote(r.dir, r.remote))) {
    // PUSH and TAG push to the remote: without it a real run would fail after the release commit. The
    // dry run still shows the plan (from the local branch) and warns; the real run stops here, before the gate.
    const add = `${formatCommand('git', ['-C', r.dir, 'remote', 'add', r.remote, '<url>'])}, or set release.forge.remote in ${r.configPath}`;
    if (r.fetched)
      throw new FerryError(
        ErrorCode.CONFIG_INVALID,
        `${name} has no git remote ${JSON.stringify(r.remote)}: PUSH and TAG of ${r.packages.join(', ')} need it; nothing was changed`,
        { fix: `${add}; then: ferry release`, details: { repo: name, remote: r.remote } },
      );
    r.note(
      `warning: ${name} has no git remote ${JSON.stringify(r.remote)}: the plan reads local ${r.branch}, but PUSH and TAG need the remote, so a real run stops before the gate (add it: ${add})`,
    );
    return shas.has(local) ? local : 'HEAD';
  }
  // No tracking ref: either the branch is not on the remote, or (dry run, no fetch) not fetched yet.
  const onRemote = r.fetched ? null : await git.lsRemote(r.dir, r.remote, local).catch(() => null);
  const who = r.packages.join(', ');
  if (onRemote) {
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `${name}: ${r.remote}/${r.branch} (the branch ${who} ${r.packages.length === 1 ? 'is' : 'are'} released from) has not been fetched into ${r.dir}`,
      { fix: `${formatCommand('git', ['-C', r.dir, 'fetch', r.remote])}   # then: ferry release --dry-run` },
    );
  }
  const branches = await remoteBranches(git, r.dir, r.remote);
  const has = branches ? ` (it has: ${branches.join(', ') || 'no branches'})` : '';
  const guess = branches?.find((b) => ['main', 'master', 'dev', 'develop'].includes(b));
  throw new FerryError(
    ErrorCode.CONFIG_INVALID,
    `${name}: release branch ${JSON.stringify(r.branch)} of ${who} does not exist on ${r.remote}${has}`,
    {
      fix: `set main_branch: ${guess ?? '<branch>'} on ${who} in ${r.configPath} (or push ${r.branch}: ${formatCommand('git', ['-C', r.dir, 'push', r.remote, r.branch])}), then: ferry release --dry-run`,
      details: { repo: name, branch: r.branch, remote: r.remote, remote_branches: branches },
    },
  );
}
