import { describe, expect, it } from 'vitest';
import { assertNotSelf, identify, idsFromCgroup, idsFromMountinfo, isSelf } from '../src/promote/self-detect.js';

const ID = 'dfc398388c7b461f64a6d8018e4245f69baceb3bd671c4953d3f7e3ba76ad78a';

describe('who am I (self-restart guard)', () => {
  it('reads container ids from cgroup v1 and v2-style paths and from mountinfo', () => {
    expect(idsFromCgroup(`9:name=systemd:/docker/${ID}\n8:pids:/docker/${ID}\n`)).toEqual([ID]);
    expect(idsFromCgroup(`0::/system.slice/docker-${ID}.scope\n`)).toEqual([ID]);
    expect(idsFromCgroup('0::/\n')).toEqual([]);
    expect(
      idsFromMountinfo(`95 77 254:0 /var/lib/docker/containers/${ID}/hostname /etc/hostname rw - ext4 /dev/vda rw\n`),
    ).toEqual([ID]);
  });

  it('matches the target by full id, by 12-hex hostname under /.dockerenv, or by FERRY_CONTAINER_ID', () => {
    const target = { id: ID, name: 'orchestrator' };
    expect(
      isSelf(identify({ env: {}, cgroup: '0::/', mountinfo: '', dockerenv: true, hostname: ID.slice(0, 12) }), target),
    ).toBe(true);
    expect(
      isSelf(identify({ env: {}, cgroup: '0::/', mountinfo: '', dockerenv: false, hostname: ID.slice(0, 12) }), target),
    ).toBe(false);
    expect(
      isSelf(
        identify({
          env: { FERRY_CONTAINER_ID: 'orchestrator' },
          cgroup: null,
          mountinfo: null,
          dockerenv: false,
          hostname: 'h',
        }),
        target,
      ),
    ).toBe(true);
    expect(
      isSelf(
        identify({
          env: { FERRY_CONTAINER_ID: ID.toUpperCase() },
          cgroup: null,
          mountinfo: null,
          dockerenv: false,
          hostname: 'h',
        }),
        target,
      ),
    ).toBe(true);
    const host = identify({
      env: {},
      cgroup: '0::/init.scope',
      mountinfo: 'nothing',
      dockerenv: false,
      hostname: 'vm',
    });
    expect(host.inContainer).toBe(false);
    expect(isSelf(host, target)).toBe(false);
  });

  it('refuses with SELF_RESTART_REFUSED and a fix that runs from the host', () => {
    const self = identify({
      env: { FERRY_CONTAINER_ID: ID },
      cgroup: null,
      mountinfo: null,
      dockerenv: false,
      hostname: 'h',
    });
    expect(() => assertNotSelf(self, { id: ID, name: 'orchestrator' }, 'orchestrator')).toThrow(
      expect.objectContaining({
        code: 'SELF_RESTART_REFUSED',
        fix: expect.stringContaining('ferry self-deploy orchestrator'),
      }),
    );
  });
});
