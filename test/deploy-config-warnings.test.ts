// `ferry config check` deploy warnings (pure) and the .gitignore entry `ferry deploy` adds for the
// state dir it creates (real git repo: check-ignore decides).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploySchema } from '../src/config/sections/deploy.js';
import { deployConfigWarnings } from '../src/deploy/config-warnings.js';
import { ignoreStateDirs } from '../src/deploy/ignore-state-dir.js';
import { exec } from '../src/util/process.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('deploy config warnings', () => {
  it('with a runtime every decision has its built-in default: no warnings', () => {
    const cfg = deploySchema.parse({ runtime: { kind: 'docker', image: 'app:dev', services: [{ name: 'web' }] } });
    expect(deployConfigWarnings(cfg)).toEqual([]);
  });

  it('without a runtime: one line per decision with nothing to run; start only when checks could see services down', () => {
    const none = deployConfigWarnings(deploySchema.parse({}));
    expect(none.map((w) => w.split(' ')[0])).toEqual([
      'deploy.actions.rebuild',
      'deploy.actions.restart',
      'deploy.actions.redeploy',
    ]);
    expect(none[2]).toContain('would stop when code changes');
    const withChecks = deployConfigWarnings(deploySchema.parse({ checks: { web: 'http://127.0.0.1:1/health' } }));
    expect(withChecks.at(-1)).toMatch(/^deploy\.actions\.start is not set .*when a health check fails/);
  });

  it('a configured command is fine; a built-in without a runtime is named', () => {
    const cfg = deploySchema.parse({
      actions: {
        rebuild: [{ command: ['just', 'build'] }],
        restart: [{ builtin: 'restart' }],
        redeploy: [{ command: ['just', 'deploy'] }],
      },
    });
    expect(deployConfigWarnings(cfg)).toEqual([
      "deploy.actions.restart uses the built-in 'restart' but there is no deploy.runtime: `ferry deploy` would stop when an .env file changes; add a deploy.runtime or use commands",
    ]);
  });
});

describe('ignoreStateDirs', () => {
  async function repo(gitignore?: string): Promise<string> {
    const d = mkdtempSync(join(tmpdir(), 'ferry-ignore-'));
    dirs.push(d);
    await exec('git', ['init', '-q', d]);
    if (gitignore !== undefined) writeFileSync(join(d, '.gitignore'), gitignore);
    mkdirSync(join(d, '.ferry'));
    return d;
  }

  it('adds .ferry/ to the repo .gitignore once, keeping what was there', async () => {
    const d = await repo('node_modules/\n');
    expect(await ignoreStateDirs(exec, [join(d, '.ferry')])).toEqual([
      { gitignore: join(d, '.gitignore'), entry: '.ferry/' },
    ]);
    expect(readFileSync(join(d, '.gitignore'), 'utf8')).toBe(
      'node_modules/\n\n# ferry run state, events and results\n.ferry/\n',
    );
    // Now ignored: a second call changes nothing.
    expect(await ignoreStateDirs(exec, [join(d, '.ferry')])).toEqual([]);
    const r = await exec('git', ['-C', d, 'check-ignore', '-q', '--', '.ferry/'], { reject: false });
    expect(r.exitCode).toBe(0);
  });

  it('leaves alone a dir already ignored elsewhere, a custom state dir name, and a dir outside any repo', async () => {
    const d = await repo();
    writeFileSync(join(d, '.git', 'info', 'exclude'), '.ferry/\n');
    expect(await ignoreStateDirs(exec, [join(d, '.ferry')])).toEqual([]);
    const custom = await repo();
    mkdirSync(join(custom, 'state'));
    expect(await ignoreStateDirs(exec, [join(custom, 'state')])).toEqual([]);
    const outside = mkdtempSync(join(tmpdir(), 'ferry-noignore-'));
    dirs.push(outside);
    mkdirSync(join(outside, '.ferry'));
    expect(await ignoreStateDirs(exec, [join(outside, '.ferry')])).toEqual([]);
    expect(() => readFileSync(join(outside, '.gitignore'))).toThrow();
  });
});
