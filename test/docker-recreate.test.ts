// Pure halves of container recreation: replacement create options and crash recovery decisions.
import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { decideRecovery, nextName, planReplacement, prevName } from '../src/adapters/runtime/docker-recreate-plan.js';

const id = 'abcdef1234567890'.padEnd(64, '0');

function inspect(
  over: Partial<{
    Config: Record<string, unknown>;
    HostConfig: Record<string, unknown>;
    Networks: Record<string, unknown>;
  }> = {},
): Docker.ContainerInspectInfo {
  return {
    Id: id,
    Name: '/svc',
    Image: 'sha256:old',
    Config: {
      Hostname: id.slice(0, 12),
      Env: ['PATH=/usr/local/bin:/bin', 'FOO=bar'],
      Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'],
      Entrypoint: null,
      Labels: { 'from.image': 'x', keep: 'me', 'ferry.recreate.of': 'svc' },
      ExposedPorts: { '80/tcp': {} },
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      WorkingDir: '',
      User: '',
      Image: 'img:a',
      ...over.Config,
    },
    HostConfig: {
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8085' }] },
      RestartPolicy: { Name: 'unless-stopped' },
      NetworkMode: 'net1',
      Binds: ['/data:/data'],
      ...over.HostConfig,
    },
    NetworkSettings: {
      Networks: over.Networks ?? { net1: { Aliases: ['svc', id.slice(0, 12)] }, net2: { Aliases: null } },
    },
  } as unknown as Docker.ContainerInspectInfo;
}

const oldImage = {
  Env: ['PATH=/usr/local/bin:/bin'],
  Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'],
  Labels: { 'from.image': 'x' },
};

describe('planReplacement', () => {
  it('keeps operator settings, drops what came from the old image, and splits networks', () => {
    const plan = planReplacement(inspect(), oldImage, 'img:b', 'svc-ferry-next', { 'ferry.run_id': 'r1' });
    expect(plan.options).toEqual({
      name: 'svc-ferry-next',
      Image: 'img:b',
      Env: ['FOO=bar'],
      Labels: { keep: 'me', 'ferry.run_id': 'r1' },
      ExposedPorts: { '80/tcp': {} },
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8085' }] },
        RestartPolicy: { Name: 'unless-stopped' },
        NetworkMode: 'net1',
        Binds: ['/data:/data'],
      },
      NetworkingConfig: { EndpointsConfig: { net1: { Aliases: ['svc'] } } },
    });
    expect(plan.extraNetworks).toEqual([{ name: 'net2', config: {} }]);
  });

  it("keeps a label equal to the old image's unless the new image sets that key itself", () => {
    // NOTE: Docker merges the image's labels into the container's (`docker inspect` cannot tell which the
    // operator set). A label the new image also sets came from the image or is replaced by it either way;
    // one the new image lacks (traefik.enable here) may be the operator's: dropping it would lose routing.
    const old = inspect({
      Config: { Labels: { 'traefik.enable': 'true', 'org.opencontainers.image.version': '1.0', keep: 'me' } },
    });
    const before = { ...oldImage, Labels: { 'traefik.enable': 'true', 'org.opencontainers.image.version': '1.0' } };
    const after = { ...oldImage, Labels: { 'org.opencontainers.image.version': '2.0' } };
    const plan = planReplacement(old, before, 'img:b', 'svc-ferry-next', {}, after);
    expect(plan.options.Labels).toEqual({ 'traefik.enable': 'true', keep: 'me' });
  });

  it('keeps an explicit cmd, hostname and user; everything counts as explicit without the old image', () => {
    const plan = planReplacement(
      inspect({
        Config: { Cmd: ['sh', '-c', 'run'], Hostname: 'myhost', User: '1000' },
        Networks: { bridge: {} },
        HostConfig: { NetworkMode: 'bridge' },
      }),
      undefined,
      'img:b',
      'n',
    );
    expect(plan.options.Cmd).toEqual(['sh', '-c', 'run']);
    expect(plan.options.Hostname).toBe('myhost');
    expect(plan.options.User).toBe('1000');
    expect(plan.options.Env).toEqual(['PATH=/usr/local/bin:/bin', 'FOO=bar']);
    expect(plan.options.NetworkingConfig).toBeUndefined();
    expect(plan.extraNetworks).toEqual([]);
  });
});

describe('decideRecovery', () => {
  const T = 'sha256:new';
  it('covers every crash point', () => {
    expect(decideRecovery({ current: { imageId: T, running: true }, prev: false, next: null }, T)).toEqual({
      kind: 'done',
      start: false,
    });
    expect(decideRecovery({ current: { imageId: T, running: false }, prev: true, next: null }, T)).toEqual({
      kind: 'done',
      start: true,
    });
    expect(
      decideRecovery({ current: { imageId: 'sha256:old', running: true }, prev: false, next: { imageId: T } }, T),
    ).toEqual({ kind: 'swap' });
    expect(decideRecovery({ current: { imageId: 'sha256:old', running: false }, prev: true, next: null }, T)).toEqual({
      kind: 'swap',
    });
    expect(decideRecovery({ current: null, prev: true, next: { imageId: T } }, T)).toEqual({ kind: 'promote-next' });
    expect(decideRecovery({ current: null, prev: false, next: { imageId: T } }, T)).toEqual({ kind: 'promote-next' });
    expect(decideRecovery({ current: null, prev: true, next: { imageId: 'sha256:other' } }, T)).toEqual({
      kind: 'finish-from-prev',
    });
    expect(decideRecovery({ current: null, prev: true, next: null }, T)).toEqual({ kind: 'finish-from-prev' });
    expect(decideRecovery({ current: null, prev: false, next: null }, T)).toEqual({ kind: 'missing' });
  });
  it('uses fixed temp names', () => {
    expect([nextName('svc'), prevName('svc')]).toEqual(['svc-ferry-next', 'svc-ferry-prev']);
  });
});
