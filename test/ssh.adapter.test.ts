// The ssh path against a real OpenSSH server on loopback (test/fixtures/sshd.ts): ssh argv from a
// service's `ssh:` config, a hook step answered over ssh, a connection failure, and Phase B's
// detached `ssh … setsid -f` hook outliving the ssh client that started it.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteHook } from '../src/promote/backend-ssh.js';
import { launchDetached, pidAlive, sshHookPlan } from '../src/promote/hook-launch.js';
import { resolveService, type ResolvedService } from '../src/promote/service.js';
import { sshArgv, sshTargetOf } from '../src/promote/ssh.js';
import { exec } from '../src/util/process.js';
import { freePort } from './fixtures/docker-images.js';
import { sshdSkipReason, startSshd, type Sshd } from './fixtures/sshd.js';
import { environments, sleep } from './promote-helpers.js';

const skip = sshdSkipReason();
if (skip) console.warn(`skipping ssh adapter tests: ${skip}`);

let sshd: Sshd;
let dir: string;
const svc = (ssh: Record<string, unknown>): ResolvedService =>
  resolveService(
    environments({
      production: { services: { api: { container: 'api', image: 'app:prod', host: '127.0.0.1', ssh } } },
    }),
    'production',
    'api',
    dir,
  );

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-ssh-'));
  sshd = await startSshd();
  // A stand-in remote ferry: answers the hook step it was asked for, and shows how sshd started it.
  writeFileSync(
    join(dir, 'fake-ferry'),
    `#!/bin/sh
for a; do step=$a; done
case " $* " in *" --hook-step current "*) echo "motd line"; echo "{\\"hook_step\\":\\"current\\",\\"image_id\\":\\"sha256:feed\\",\\"args\\":\\"$*\\",\\"ssh\\":\\"$SSH_CONNECTION\\"}" ;; *) echo "boom: $step" >&2; exit 3 ;; esac
`,
  );
  chmodSync(join(dir, 'fake-ferry'), 0o755);
}, 60_000);

afterAll(async () => {
  if (skip) return;
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('ssh to a real sshd on loopback', () => {
  it('the argv built from `ssh:` config logs in with the key and runs the quoted remote line', async () => {
    const t = sshTargetOf(svc(sshd.sshConfig()));
    const [file, ...args] = sshArgv(t, ['printf', '%s|', 'a b', "it's", '$HOME']);
    const r = await exec(file!, args);
    expect(r.stdout).toBe("a b|it's|$HOME|");
    expect(sshd.log()).toContain('Accepted publickey for root from 127.0.0.1');
  });

  it('a hook step is answered over ssh (the JSON line), a failing one is DEPLOY_FAILED with its output', async () => {
    const s = svc(sshd.sshConfig({ ferry: [join(dir, 'fake-ferry')], config: '/remote/ferry.yaml' }));
    const hook = remoteHook(s, '/local/ferry.yaml');
    const v = await hook.call('current');
    expect(v).toMatchObject({
      hook_step: 'current',
      image_id: 'sha256:feed',
      args: '--config /remote/ferry.yaml promote api --env production --hook-step current',
    });
    expect(String(v.ssh)).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+$/); // really started by sshd
    await expect(hook.call('runs', { image: 'sha256:x' })).rejects.toMatchObject({
      code: 'DEPLOY_FAILED',
      message: expect.stringContaining('boom: sha256:x'),
    });
  });

  it('no sshd on the port: DEPLOY_FAILED "ssh could not connect" with the ssh command as the fix', async () => {
    const s = svc(sshd.sshConfig({ port: await freePort(), ferry: [join(dir, 'fake-ferry')] }));
    await expect(remoteHook(s, '/c.yaml').call('current')).rejects.toMatchObject({
      code: 'DEPLOY_FAILED',
      message: expect.stringContaining('ssh could not connect'),
      fix: expect.stringContaining('--hook-step current'),
    });
  });

  it('Phase B: ssh returns at once, the setsid hook (a login session of sshd) outlives the client and records its exit code', async () => {
    const t = sshTargetOf(svc(sshd.sshConfig()));
    const exitFile = join(dir, 'sd', 'exit-code');
    const logFile = join(dir, 'sd', 'hook.log');
    const hold = join(dir, 'hold');
    writeFileSync(hold, '');
    const plan = sshHookPlan(
      t,
      ['sh', '-c', `while [ -e ${hold} ]; do sleep 0.1; done; echo hook-ran; exit 3`],
      exitFile,
      logFile,
    );
    const clientPid = launchDetached(plan);
    // The ssh client is done as soon as setsid forked, while the hook is still held.
    for (let i = 0; i < 100 && pidAlive(clientPid); i++) await sleep(100);
    expect(pidAlive(clientPid)).toBe(false);
    const started = /\[ferry-hook\] started pid (\d+)/.exec(readFileSync(logFile, 'utf8'));
    expect(started, readFileSync(logFile, 'utf8')).not.toBeNull();
    const remotePid = Number(started![1]);
    expect(pidAlive(remotePid)).toBe(true);
    expect(readFileSync(`/proc/${remotePid}/environ`, 'utf8')).toMatch(/SSH_CONNECTION=127\.0\.0\.1 /);
    expect(existsSync(exitFile)).toBe(false);
    rmSync(hold);
    for (let i = 0; i < 100 && !existsSync(exitFile); i++) await sleep(100);
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('3');
    expect(readFileSync(logFile, 'utf8')).toMatch(/hook-ran[\s\S]*\[ferry-hook\] exit 3/);
  });
});
