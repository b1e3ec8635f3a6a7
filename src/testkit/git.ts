// git for test fixtures: a fixed identity and clock (so fixture commit ids are the same on every run)
// and no system/global git config (so a developer's hooks or signing settings can't leak in).

import { exec } from '../util/process.js';

export const FIXTURE_AUTHOR = { name: 'Ferry Fixture', email: 'fixture@ferry.test' };

/** 2024-01-01T00:00:00Z; fixture commit n is dated n minutes later. */
export const FIXTURE_EPOCH = 1_704_067_200;

export function fixtureGitEnv(tick = 0): Record<string, string> {
  const date = `${FIXTURE_EPOCH + tick * 60} +0000`;
  return {
    GIT_AUTHOR_NAME: FIXTURE_AUTHOR.name,
    GIT_AUTHOR_EMAIL: FIXTURE_AUTHOR.email,
    GIT_COMMITTER_NAME: FIXTURE_AUTHOR.name,
    GIT_COMMITTER_EMAIL: FIXTURE_AUTHOR.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
  };
}

/** Run git in `cwd`; returns trimmed stdout. Throws FerryError(COMMAND_FAILED) on failure. */
export async function git(cwd: string, args: readonly string[], tick = 0): Promise<string> {
  const r = await exec('git', args, { cwd, env: fixtureGitEnv(tick) });
  return r.stdout.trim();
}

/**
 * Repo-local config written straight into .git/config (one file write instead of six `git config`
 * processes). It keeps later, un-fixtured git calls (ferry's own) working: identity, no signing,
 * origin and main's upstream.
 */
export function localGitConfig(remote: string): string {
  return [
    '[user]',
    `\tname = ${FIXTURE_AUTHOR.name}`,
    `\temail = ${FIXTURE_AUTHOR.email}`,
    '[commit]',
    '\tgpgsign = false',
    '[tag]',
    '\tgpgsign = false',
    '[remote "origin"]',
    `\turl = ${remote}`,
    '\tfetch = +refs/heads/*:refs/remotes/origin/*',
    '[branch "main"]',
    '\tremote = origin',
    '\tmerge = refs/heads/main',
    '',
  ].join('\n');
}
