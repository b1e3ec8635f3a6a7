// Container stop on the real engine: busybox httpd as PID 1 ignores SIGTERM, so every stop waits for
// the timeout. ferry must honour the container's own StopTimeout (docker run --stop-timeout), keep it
// (and StopSignal) on recreate, and use a configured default for containers that set none.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import { TEST_LABEL, buildBusyboxImage, cleanupSuite, uniqueName } from './fixtures/docker-images.js';

const docker = new Docker();
const suite = uniqueName('stop');
const imgA = `ferry-test-${suite}:a`;
const imgB = `ferry-test-${suite}:b`;

/** The fixture image without its STOPSIGNAL SIGKILL: docker stop sends SIGTERM, which httpd as PID 1 ignores. */
const sigtermDeaf = (marker: string) => ({
  customize: (dir: string) => {
    const file = join(dir, 'Dockerfile');
    writeFileSync(file, readFileSync(file, 'utf8').replace('STOPSIGNAL SIGKILL\n', ''));
    writeFileSync(join(dir, 'www', 'version'), `${marker}\n`);
  },
});

async function run(name: string, image: string, host: Partial<Docker.ContainerCreateOptions> = {}): Promise<void> {
  const c = await docker.createContainer({ name, Image: image, Labels: { [TEST_LABEL]: suite }, ...host });
  await c.start();
}

const timed = async (f: () => Promise<unknown>): Promise<number> => {
  const t = Date.now();
  await f();
  return (Date.now() - t) / 1000;
};

beforeAll(async () => {
  await buildBusyboxImage(docker, imgA, suite, sigtermDeaf('a'));
  await buildBusyboxImage(docker, imgB, suite, sigtermDeaf('b'));
});

afterAll(async () => {
  await cleanupSuite(docker, suite, [imgA, imgB]);
});

describe('container stop timeout', () => {
  it('recreate honours --stop-timeout 2 (no 10 s wait) and keeps StopTimeout and StopSignal on the new container', async () => {
    const name = uniqueName('ferry-stop');
    await run(name, imgA, { StopTimeout: 2, StopSignal: 'SIGUSR1' });
    const rt = new DockerRuntime();
    const seconds = await timed(() => rt.recreate(name, imgB));
    expect(seconds).toBeLessThan(6);
    const after = await docker.getContainer(name).inspect();
    expect(after.State.Running).toBe(true);
    const config = after.Config as { StopTimeout?: number; StopSignal?: string };
    expect(config.StopTimeout).toBe(2);
    expect(config.StopSignal).toBe('SIGUSR1');
    // The next stop honours it too.
    expect(await timed(() => rt.stop(name))).toBeLessThan(6);
  }, 40_000);

  it('a configured default stop timeout applies to containers without their own; their own wins over it', async () => {
    const plain = uniqueName('ferry-stop');
    await run(plain, imgA);
    expect(await timed(() => new DockerRuntime({ stopTimeoutSeconds: 1 }).restart(plain))).toBeLessThan(5);
    const own = uniqueName('ferry-stop');
    await run(own, imgA, { StopTimeout: 1 });
    // Default 30 s configured, the container says 1 s: the container's value is used.
    expect(await timed(() => new DockerRuntime({ stopTimeoutSeconds: 30 }).stop(own))).toBeLessThan(5);
  }, 40_000);
});
