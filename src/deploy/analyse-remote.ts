// Remote config repos: `git ls-remote` says where the ref is now; the commit subjects since the
// last deployed commit come from a cache bare repo under .ferry/cache fetched with
// `--filter=blob:none` (history without file contents; servers that do not support filters send
// everything, which is still correct).
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addSecret } from '../util/redact.js';
import type { Exec } from '../util/process.js';
import type { CommitLine, RemoteRepoStatus } from './types.js';

export interface ConfigRepo {
  name: string;
  url: string;
  ref: string;
}

/** How many commits to list at most (reasons list subjects, so keep them readable). */
const MAX_COMMITS = 200;
const LATEST_WHEN_UNKNOWN = 5;
/** Note on a repo with no recorded commit (decide.ts folds it into the reason's summary). */
export const NO_RECORD_NOTE = 'no deployed commit recorded; latest commits shown';

/** Pure: pick the sha for `ref` from `git ls-remote <url> <ref>` output (exact branch, then peeled tag, then first). */
export function parseLsRemote(out: string, ref: string): string | null {
  const rows = out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((r): r is [string, string] => r.length >= 2 && /^[0-9a-f]{40,64}$/.test(r[0]!));
  const want = [ref, `refs/heads/${ref}`, `refs/tags/${ref}^{}`, `refs/tags/${ref}`];
  for (const w of want) {
    const hit = rows.find((r) => r[1] === w);
    if (hit) return hit[0];
  }
  return rows[0]?.[0] ?? null;
}

/** Pure: `git log --format=%H%x1f%h%x1f%s` output → commit lines. */
export function parseLog(out: string): CommitLine[] {
  return out
    .split('\n')
    .filter((l) => l.includes('\x1f'))
    .map((l) => {
      const [sha, sh, ...rest] = l.split('\x1f');
      return { sha: sha!, short: sh!, subject: rest.join('\x1f') };
    });
}

/**
 * Pure: the line of git's stderr that says what went wrong. git ends with advice ("Please make
 * sure you have the correct access rights / and the repository exists."), so the last line is
 * not it: the first `fatal:` / `error:` line is, without its prefix.
 */
export function gitErrorLine(stderr: string, fallback: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const hit = lines.find((l) => /^(fatal|error):/.test(l));
  return (hit ? hit.replace(/^(fatal|error):\s*/, '') : lines.at(-1)) ?? fallback;
}

export function cacheDirFor(stateDir: string, name: string): string {
  return join(stateDir, 'cache', 'config-repos', `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.git`);
}

async function commitsSince(
  exec: Exec,
  cache: string,
  repo: ConfigRepo,
  recorded: string | null,
  current: string,
): Promise<{ commits: CommitLine[]; note?: string; error?: string }> {
  const git = (args: string[]) => exec('git', ['--git-dir', cache, ...args], { reject: false });
  if (!existsSync(join(cache, 'HEAD'))) {
    await mkdir(cache, { recursive: true });
    await exec('git', ['init', '--bare', '-q', cache]);
  }
  await git(['config', 'remote.origin.url', repo.url]);
  // A sha we already have needs no fetch; otherwise fetch the ref's history without blobs.
  if ((await git(['cat-file', '-e', `${current}^{commit}`])).exitCode !== 0) {
    const f = await git(['fetch', '-q', '--filter=blob:none', '--no-tags', 'origin', `+${repo.ref}:refs/ferry/head`]);
    if (f.exitCode !== 0)
      return { commits: [], error: `could not fetch commit subjects: ${gitErrorLine(f.stderr, f.shortMessage)}` };
  }
  const fmt = '--format=%H%x1f%h%x1f%s';
  if (recorded && (await git(['cat-file', '-e', `${recorded}^{commit}`])).exitCode === 0) {
    const log = await git(['log', fmt, '-n', String(MAX_COMMITS + 1), `${recorded}..${current}`]);
    const commits = parseLog(log.stdout);
    if (commits.length > MAX_COMMITS)
      return { commits: commits.slice(0, MAX_COMMITS), note: `more than ${MAX_COMMITS} commits; showing the newest` };
    if (commits.length === 0)
      return {
        commits,
        note: `${current.slice(0, 7)} is behind the deployed ${recorded.slice(0, 7)} (the ref moved back)`,
      };
    return { commits };
  }
  const log = await git(['log', fmt, '-n', String(LATEST_WHEN_UNKNOWN), current]);
  const note = recorded
    ? `deployed commit ${recorded.slice(0, 7)} is no longer in the remote history (force-push?); latest commits shown`
    : NO_RECORD_NOTE;
  return { commits: parseLog(log.stdout), note };
}

/** One config repo: where its ref is now vs the last deploy, and what changed in between. */
export async function analyseConfigRepo(
  exec: Exec,
  stateDir: string,
  repo: ConfigRepo,
  recorded: string | null,
): Promise<RemoteRepoStatus> {
  const base = { name: repo.name, url: repo.url, ref: repo.ref, recorded, commits: [] as CommitLine[] };
  const ls = await exec('git', ['ls-remote', repo.url, repo.ref], { reject: false, timeoutMs: 60_000 });
  const current = ls.exitCode === 0 ? parseLsRemote(ls.stdout, repo.ref) : null;
  if (!current) {
    const why = ls.exitCode === 0 ? `ref ${repo.ref} not found` : gitErrorLine(ls.stderr, ls.shortMessage);
    return { ...base, current: null, changed: false, error: `git ls-remote failed: ${why}` };
  }
  if (current === recorded) return { ...base, current, changed: false };
  const more = await commitsSince(exec, cacheDirFor(stateDir, repo.name), repo, recorded, current);
  return {
    ...base,
    current,
    changed: true,
    commits: more.commits,
    ...(more.note ? { note: more.note } : {}),
    ...(more.error ? { note: more.error } : {}),
  };
}

/** Credentials in a repo URL (https://user:token@host/…) are secrets: mask them everywhere. */
export function registerUrlSecrets(url: string): void {
  try {
    const u = new URL(url);
    const user = decodeURIComponent(u.username);
    if (u.password) addSecret(decodeURIComponent(u.password));
    // A long bare username is a token used as one (https://<token>@github.com/…).
    else if (user.length >= 20) addSecret(user);
  } catch {
    // scp-like (git@host:path) and plain paths carry no credentials
  }
}

export async function analyseRemote(
  exec: Exec,
  stateDir: string,
  repos: readonly ConfigRepo[],
  recorded: Record<string, string>,
): Promise<RemoteRepoStatus[]> {
  for (const r of repos) registerUrlSecrets(r.url);
  return Promise.all(repos.map((r) => analyseConfigRepo(exec, stateDir, r, recorded[r.name] ?? null)));
}
