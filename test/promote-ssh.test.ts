// Pure: the ssh argv of a service's `ssh:` config, the remote hook steps, their answers, the
// self-deploy ssh launch line, and the `ssh:` schema (defaults, bad options refused).
import { describe, expect, it } from 'vitest';
import { sshHookPlan } from '../src/promote/hook-launch.js';
import { resolveService } from '../src/promote/service.js';
import { hookStepArgv, parseHookStepOutput, remoteFerry, sshArgv, sshTargetOf } from '../src/promote/ssh.js';
import { environments } from './promote-helpers.js';

const envs = environments({
  staging: { services: { api: { container: 'api-stg', image: 'app:staging' } } },
  production: {
    services: {
      api: {
        container: 'api',
        image: 'app:prod',
        host: 'prod-1.internal',
        ssh: {
          user: 'deploy',
          port: 2222,
          identity_file: 'keys/deploy',
          options: ['StrictHostKeyChecking=accept-new'],
          ferry: ['/opt/ferry/bin/ferry'],
          config: '/srv/ferry.yaml',
        },
      },
      plain: { container: 'plain', image: 'app:plain', host: 'prod-2' },
    },
  },
});
const api = resolveService(envs, 'production', 'api', '/cfg');
const plain = resolveService(envs, 'production', 'plain', '/cfg');

describe('ssh argv from the service config', () => {
  it('port, identity (relative to ferry.yaml), BatchMode, extra -o, user@host, one quoted remote line', () => {
    expect(sshTargetOf(api)).toEqual({
      host: 'prod-1.internal',
      user: 'deploy',
      port: 2222,
      identityFile: '/cfg/keys/deploy',
      options: ['StrictHostKeyChecking=accept-new'],
    });
    expect(sshArgv(sshTargetOf(api), ['echo', 'a b', "it's"])).toEqual([
      'ssh',
      '-p',
      '2222',
      '-i',
      '/cfg/keys/deploy',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
      'deploy@prod-1.internal',
      '--',
      "echo 'a b' 'it'\\''s'",
    ]);
  });

  it('defaults: plain ssh -o BatchMode=yes host, `ferry` on the remote PATH, the same ferry.yaml path', () => {
    expect(sshArgv(sshTargetOf(plain), ['true'])).toEqual(['ssh', '-o', 'BatchMode=yes', 'prod-2', '--', 'true']);
    expect(remoteFerry(plain, '/here/ferry.yaml')).toEqual(['ferry', '--config', '/here/ferry.yaml']);
    expect(remoteFerry(api, '/here/ferry.yaml')).toEqual(['/opt/ferry/bin/ferry', '--config', '/srv/ferry.yaml']);
  });

  it('a service without a host has no ssh target', () => {
    expect(() => sshTargetOf(resolveService(envs, 'staging', 'api', '/cfg'))).toThrow(/has no host/);
  });

  it('schema refuses an ssh option that is not Key=value (no argv injection) and a bad port', () => {
    const bad = (ssh: unknown) => () =>
      environments({ p: { services: { a: { container: 'a', image: 'a:1', host: 'h', ssh } } } });
    expect(bad({ options: ['-oProxyCommand=x'] })).toThrow(/Key=value/);
    expect(bad({ port: 0 })).toThrow();
    expect(bad({ ferry: [] })).toThrow();
  });
});

describe('remote hook steps', () => {
  it('each step is `<remote ferry> --config … promote <svc> --env <env> --hook-step <step>`', () => {
    expect(hookStepArgv(api, '/here/ferry.yaml', 'switch', { image: 'sha256:abc' })).toEqual([
      '/opt/ferry/bin/ferry',
      '--config',
      '/srv/ferry.yaml',
      'promote',
      'api',
      '--env',
      'production',
      '--hook-step',
      'switch',
      '--image',
      'sha256:abc',
    ]);
    expect(
      hookStepArgv(plain, '/c.yaml', 'rollback', { image: 'sha256:prev', autoRolledBack: true }).slice(-4),
    ).toEqual(['rollback', '--image', 'sha256:prev', '--auto-rolled-back']);
  });

  it('the answer is the last JSON line naming the step (login banners and other lines ignored)', () => {
    const out =
      'Welcome to prod-1\n{"hook_step":"health","healthy":false}\nnot json {\n{"hook_step":"health","healthy":true,"detail":"200"}\n';
    expect(parseHookStepOutput(out, 'health')).toEqual({ hook_step: 'health', healthy: true, detail: '200' });
    expect(parseHookStepOutput(out, 'switch')).toBeNull();
    expect(parseHookStepOutput('', 'current')).toBeNull();
  });
});

describe('self-deploy Phase B over ssh', () => {
  it('ssh flags from the config; setsid -f with no fd of the ssh channel; pid and exit code logged; exit code recorded atomically', () => {
    const p = sshHookPlan(
      sshTargetOf(api),
      ['/opt/ferry/bin/ferry', 'promote', 'api', '--hook-mode'],
      '/srv/.ferry/x/exit-code',
      '/srv/.ferry/x/hook.log',
    );
    expect(p.file).toBe('ssh');
    expect(p.args.slice(0, -1)).toEqual([
      '-p',
      '2222',
      '-i',
      '/cfg/keys/deploy',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
      'deploy@prod-1.internal',
      '--',
    ]);
    const line = p.args.at(-1)!;
    expect(line.startsWith("setsid -f sh -c '")).toBe(true);
    expect(line.endsWith("' </dev/null >>/srv/.ferry/x/hook.log 2>&1")).toBe(true);
    expect(line).toContain('/opt/ferry/bin/ferry promote api --hook-mode >>/srv/.ferry/x/hook.log 2>&1; code=$?;');
    expect(line).toContain('[ferry-hook] started pid $$');
    expect(line).toContain(
      'echo $code >/srv/.ferry/x/exit-code.tmp && mv /srv/.ferry/x/exit-code.tmp /srv/.ferry/x/exit-code',
    );
  });
});
