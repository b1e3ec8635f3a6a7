// DockerRuntime against the real engine: build, recreate (incl. every crash point), exec, health.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import Docker from 'dockerode';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import { checkHealth } from '../src/adapters/runtime/health.js';
import { nextName, prevName } from '../src/adapters/runtime/docker-recreate-plan.js';
import { isFerryError } from '../src/errors.js';
import {
  TEST_LABEL,
  busyboxDockerfile,
  buildBusyboxImage,
  cleanupSuite,
  containersNamed,
  freePort,
  makeBusyboxContext,
  runService,
  uniqueName,
} from './fixtures/docker-images.js';

const docker = new Docker();
const rt = new DockerRuntime();
const suite = uniqueName('dock');
const imgA = `ferry-test-${suite}:a`;
const imgB = `ferry-test-${suite}:b`;
const network = uniqueName('ferry-net');
let idA = '';
let idB = '';

beforeAll(async () => {
  idA = await buildBusyboxImage(docker, imgA, suite, { uvPins: { alpha: '1.0.0' } });
  idB = await buildBusyboxImage(docker, imgB, suite, { uvPins: { alpha: '2.0.0' } });
  await docker.createNetwork({ Name: network, Labels: { [TEST_LABEL]: suite } });
});

afterAll(async () => {
  await cleanupSuite(docker, suite, [imgA, imgB]);
  await docker
    .getNetwork(network)
    .remove()
    .catch(() => undefined);
});

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(isFerryError(e) ? e.code : e).toBe(code);
}

describe('DockerRuntime', () => {
  it('ping works; an unreachable socket is RUNTIME_UNAVAILABLE', async () => {
    await rt.ping();
    await expectCode(new DockerRuntime({ socket: '/nonexistent/docker.sock' }).ping(), 'RUNTIME_UNAVAILABLE');
  });

  it('builds from a context dir, streaming log lines, with labels and extra tags', async () => {
    const dir = makeBusyboxContext({ uvPins: { beta: '0.1.0' } });
    const tag = `ferry-test-${suite}:built`;
    const lines: string[] = [];
    try {
      const img = await rt.build({
        contextDir: dir,
        dockerfile: 'Dockerfile',
        tags: [tag, `${tag}-2`],
        labels: { [TEST_LABEL]: suite },
        onLog: (l) => lines.push(l),
      });
      expect(img.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(img.tags).toEqual(expect.arrayContaining([tag, `${tag}-2`]));
      expect(lines.some((l) => l.includes('Step 1/'))).toBe(true);
      expect(lines.some((l) => l.includes('installed beta 0.1.0'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await docker
        .getImage(`${tag}-2`)
        .remove()
        .catch(() => undefined);
    }
  });

  it('a failing RUN is DEPLOY_FAILED with the build error', async () => {
    const dir = makeBusyboxContext();
    writeFileSync(`${dir}/Dockerfile`, busyboxDockerfile({ failingRun: true }));
    try {
      const e = await rt
        .build({
          contextDir: dir,
          dockerfile: 'Dockerfile',
          tags: [`ferry-test-${suite}:bad`],
          labels: { [TEST_LABEL]: suite },
        })
        .catch((x: unknown) => x);
      expect(isFerryError(e) && e.code).toBe('DEPLOY_FAILED');
      expect((e as Error).message).toMatch(/returned a non-zero code: 1/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('inspectImage/inspectContainer return null for missing things; tag adds a reference', async () => {
    expect(await rt.inspectImage(`ferry-test-${suite}:missing`)).toBeNull();
    expect(await rt.inspectContainer(uniqueName('missing'))).toBeNull();
    await rt.tag(imgA, `ferry-test-${suite}:tagged`);
    expect((await rt.inspectImage(`ferry-test-${suite}:tagged`))?.id).toBe(idA);
    await docker.getImage(`ferry-test-${suite}:tagged`).remove();
  });

  it('recreate keeps name, ports, env, labels, networks, restart policy and cmd; second call is a no-op', async () => {
    const name = uniqueName('svc');
    const port = await freePort();
    await runService(docker, {
      name,
      image: imgA,
      suite,
      hostPort: port,
      env: ['FOO=bar'],
      labels: { keep: 'me' },
      networks: [network],
    });
    const before = await rt.inspectContainer(name);
    const r = await rt.recreate(name, imgB, { labels: { 'ferry.run_id': 'run-1' } });
    expect(r.changed).toBe(true);
    expect(r.container.id).not.toBe(before?.id);
    expect(r.container.imageId).toBe(idB);
    expect(r.container.running).toBe(true);
    const raw = await docker.getContainer(name).inspect();
    expect(raw.Config.Env).toContain('FOO=bar');
    expect(raw.Config.Labels).toMatchObject({ keep: 'me', 'ferry.run_id': 'run-1', [TEST_LABEL]: suite });
    expect(raw.HostConfig.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    expect(raw.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(Object.keys(raw.NetworkSettings.Networks)).toEqual([network]);
    const [h] = await checkHealth({ [name]: `http://127.0.0.1:${port}/health` }, { retries: 10, backoffMs: 100 });
    expect(h).toMatchObject({ ok: true, status: 200 });
    const ver = await rt.exec(name, ['uv', 'pip', 'show', 'alpha']);
    expect(ver).toMatchObject({ exitCode: 0, stdout: 'Name: alpha\nVersion: 2.0.0\n' });
    const again = await rt.recreate(name, imgB);
    expect(again).toMatchObject({ changed: false, container: { id: r.container.id } });
    expect(await containersNamed(docker, name)).toHaveLength(1);
  });

  it('exec captures stderr and the exit code', async () => {
    const name = uniqueName('svc');
    await runService(docker, { name, image: imgA, suite, hostPort: await freePort() });
    const r = await rt.exec(name, ['uv', 'pip', 'show', 'nope']);
    expect(r).toEqual({ exitCode: 1, stdout: '', stderr: 'WARNING: Package(s) not found: nope\n' });
    await expectCode(rt.exec(uniqueName('nobody'), ['true']), 'NOT_FOUND');
  });

  it('recreates an AutoRemove container (stopping it deletes it)', async () => {
    const name = uniqueName('auto');
    const port = await freePort();
    const c = await docker.createContainer({
      name,
      Image: imgA,
      Labels: { [TEST_LABEL]: suite },
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { AutoRemove: true, PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } },
    });
    await c.start();
    const r = await rt.recreate(name, imgB);
    expect(r.container).toMatchObject({ name, imageId: idB, running: true });
    expect((await containersNamed(docker, name)).map((x) => x.Names[0])).toEqual([`/${name}`]);
  });

  it('recreate of a missing container is NOT_FOUND', async () => {
    await expectCode(rt.recreate(uniqueName('nobody'), imgB), 'NOT_FOUND');
  });

  // Reproduce each state a kill -9 can leave behind, then resume with recreate().
  const crashPoints: Array<[string, (name: string) => Promise<void>]> = [
    [
      'after creating next',
      async (n) => {
        await createNext(n);
      },
    ],
    [
      'after stopping old (older order)',
      async (n) => {
        await createNext(n);
        await docker.getContainer(n).stop();
      },
    ],
    [
      'after renaming the running old to prev',
      async (n) => {
        await createNext(n);
        await docker.getContainer(n).rename({ name: prevName(n) });
      },
    ],
    [
      'after renaming both, prev still running',
      async (n) => {
        await createNext(n);
        await docker.getContainer(n).rename({ name: prevName(n) });
        await docker.getContainer(nextName(n)).rename({ name: n });
      },
    ],
    [
      'after renaming old to prev',
      async (n) => {
        await createNext(n);
        await docker.getContainer(n).stop();
        await docker.getContainer(n).rename({ name: prevName(n) });
      },
    ],
    [
      'after renaming old, before next existed',
      async (n) => {
        await docker.getContainer(n).stop();
        await docker.getContainer(n).rename({ name: prevName(n) });
      },
    ],
    [
      'after renaming next into place',
      async (n) => {
        await createNext(n);
        await docker.getContainer(n).stop();
        await docker.getContainer(n).rename({ name: prevName(n) });
        await docker.getContainer(nextName(n)).rename({ name: n });
      },
    ],
    [
      'after starting, before removing prev',
      async (n) => {
        await createNext(n);
        await docker.getContainer(n).stop();
        await docker.getContainer(n).rename({ name: prevName(n) });
        await docker.getContainer(nextName(n)).rename({ name: n });
        await docker.getContainer(n).start();
      },
    ],
  ];
  async function createNext(name: string): Promise<void> {
    const old = await docker.getContainer(name).inspect();
    await docker.createContainer({
      name: nextName(name),
      Image: imgB,
      Labels: { [TEST_LABEL]: suite },
      HostConfig: old.HostConfig,
    });
  }
  for (const [label, crash] of crashPoints) {
    it(`resume after a crash ${label} ends with exactly one container on the new image`, async () => {
      const name = uniqueName('crash');
      const port = await freePort();
      await runService(docker, { name, image: imgA, suite, hostPort: port, env: ['KEEP=1'] });
      await crash(name);
      const r = await rt.recreate(name, imgB);
      expect(r.container).toMatchObject({ name, imageId: idB, running: true });
      const left = await containersNamed(docker, name);
      expect(left.map((c) => c.Names[0])).toEqual([`/${name}`]);
      expect((await docker.getContainer(name).inspect()).HostConfig.PortBindings).toEqual({
        '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }],
      });
    });
  }
});
