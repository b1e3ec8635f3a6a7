// `ferry completion bash` sourced into a real bash: Tab on a command line offers commands, flags,
// package and service names from ferry.yaml, environments, run ids from the state directory and files.
import { execa } from 'execa';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FERRY_BIN, ferry } from './helpers/ferry.js';

let dir: string;
const RUN = 'selftest-20260101-c0ffee';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-completion-'));
  // `ferry` on PATH, as after `npm i -g`: the script calls the ferry typed on the command line.
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'ferry'), `#!/bin/sh\nexec node ${JSON.stringify(FERRY_BIN)} "$@"\n`);
  chmodSync(join(dir, 'bin', 'ferry'), 0o755);
  mkdirSync(join(dir, 'ws'));
  writeFileSync(
    join(dir, 'ws', 'ferry.yaml'),
    [
      'version: 1',
      'packages:',
      '  - { name: alpha_core, repo: alpha, ecosystem: python }',
      '  - { name: beta-web, repo: beta, ecosystem: npm }',
      'environments:',
      '  staging:',
      '    services:',
      '      api: { container: stg-api, image: "app:staging", check: ["true"] }',
      '  production:',
      '    promote_from: staging',
      '    services:',
      '      api: { container: prod-api, image: "app:prod" }',
      '      worker: { container: prod-worker, image: "app:prod" }',
      '',
    ].join('\n'),
  );
  // One finished run in the workspace's state directory.
  const r = await ferry(['_selftest', '--out', join(dir, 'effects'), '--steps', '1', '--run-id', RUN], {
    cwd: join(dir, 'ws'),
  });
  expect(r.exitCode, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each line the shell is asked to complete (words after `ferry`, the last one being typed) → COMPREPLY. */
async function tab(lines: string[][]): Promise<string[][]> {
  const script = [
    'source <(ferry completion bash)',
    'c() { COMP_WORDS=(ferry "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _ferry_complete; local IFS=,; echo "${COMPREPLY[*]}"; }',
    ...lines.map((words) => `c ${words.map((w) => `'${w}'`).join(' ')}`),
  ].join('\n');
  const r = await execa('bash', ['--norc', '--noprofile', '-c', script], {
    cwd: join(dir, 'ws'),
    env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, HOME: dir },
    extendEnv: false,
  });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').map((l) => (l ? l.split(',') : []));
}

describe('ferry completion bash (sourced in a real bash)', () => {
  it('completes commands, flags, packages, services, environments, run ids, error codes and files', async () => {
    const got = await tab([
      ['rel'],
      ['release', ''],
      ['release', 'alpha_core', 'b'],
      ['release', '--dr'],
      ['release', '--bump', 'm'],
      ['stage', ''],
      ['promote', 'api', '--env', 'pro'],
      ['runs', ''],
      ['runs', 'show', 'self'],
      ['release', '--resume', ''],
      ['--config', 'ferry.y'],
      ['explain', 'TAG_C'],
      ['completion', ''],
      ['nosuchcommand', ''],
    ]);
    expect(got).toEqual([
      ['release'],
      ['alpha_core', 'beta-web'],
      ['beta-web'],
      ['--dry-run'],
      ['major', 'minor'],
      ['api', 'worker'],
      ['production'],
      ['list', 'show', 'events'],
      [RUN],
      [RUN],
      ['ferry.yaml'],
      ['TAG_CONFLICT'],
      ['bash', 'zsh', 'fish'],
      [],
    ]);
  });

  it('--help says how to install it for each shell; the zsh and fish scripts call the same completer', async () => {
    const help = await ferry(['completion', '--help']);
    expect(help.stdout).toContain('source <(ferry completion bash)');
    expect(help.stdout).toContain('ferry completion zsh > "${fpath[1]}/_ferry"');
    expect(help.stdout).toContain('ferry completion fish > ~/.config/fish/completions/ferry.fish');
    for (const shell of ['zsh', 'fish']) {
      const r = await ferry(['completion', shell]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('__complete --');
    }
    const bad = await ferry(['completion', 'tcsh']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('fix: ferry completion bash');
  });
});
