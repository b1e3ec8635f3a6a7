// `Git.fetch` tries again only when the network dropped the fetch (connection reset, timeout): a remote
// that does not exist or refuses access answers the same the second time, so a retry only doubled the
// wait before the error. The flaky network is real: a loopback git:// server that resets the first
// connection and serves the rest with `git daemon --inetd`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Git } from '../src/adapters/git/git.js';
import { exec, type Exec } from '../src/util/process.js';
import { isFerryError } from '../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'ferry-fetch-retry-'));
let server: Server;
let port = 0;
/** How many connections the server resets before it serves one. */
let resets = 0;

beforeAll(async () => {
  await execa('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'remote.git')]);
  const work = join(root, 'work');
  await execa('git', ['init', '-q', '-b', 'main', work]);
  await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'one'], {
    cwd: work,
  });
  await execa('git', ['push', '-q', join(root, 'remote.git'), 'main'], { cwd: work });
  server = createServer((sock) => {
    sock.on('error', () => {});
    if (resets > 0) {
      resets--;
      sock.resetAndDestroy();
      return;
    }
    const daemon = spawn('git', ['daemon', '--inetd', '--export-all', `--base-path=${root}`], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    daemon.stdin.on('error', () => {});
    sock.pipe(daemon.stdin);
    daemon.stdout.pipe(sock);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** The real exec, counting the `git fetch` runs. */
function counting(): { exec: Exec; fetches: () => number } {
  let n = 0;
  const counted: Exec = (file, args, opts) => {
    if (file === 'git' && args[0] === 'fetch') n++;
    return exec(file, args, opts);
  };
  return { exec: counted, fetches: () => n };
}

async function clone(name: string, url: string): Promise<string> {
  const dir = join(root, name);
  await execa('git', ['init', '-q', '-b', 'main', dir]);
  await execa('git', ['remote', 'add', 'origin', url], { cwd: dir });
  return dir;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isFerryError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('git fetch retries', () => {
  it('a connection reset is retried once, and the fetch lands', async () => {
    const dir = await clone('reset', `git://127.0.0.1:${port}/remote.git`);
    resets = 1;
    const c = counting();
    await new Git(c.exec).fetch(dir, 'origin');
    expect(c.fetches()).toBe(2);
    expect((await execa('git', ['rev-parse', '--verify', 'origin/main'], { cwd: dir })).stdout).toMatch(
      /^[0-9a-f]{40}$/,
    );
  });

  it('a remote that is not there fails after one fetch (a second would answer the same)', async () => {
    const dir = await clone('missing', join(root, 'no-such-remote.git'));
    const c = counting();
    expect(await failure(new Git(c.exec).fetch(dir, 'origin'))).toBe('COMMAND_FAILED');
    expect(c.fetches()).toBe(1);
  });

  it('a server that refuses the repository fails after one fetch', async () => {
    const dir = await clone('refused', `git://127.0.0.1:${port}/not-exported.git`);
    resets = 0;
    const c = counting();
    expect(await failure(new Git(c.exec).fetch(dir, 'origin'))).toBe('COMMAND_FAILED');
    expect(c.fetches()).toBe(1);
  });
});
