// The faults harness, part 3: the Docker engine unreachable during a redeploy (DOCKER_HOST pointing at
// a socket that does not exist). The redeploy must stop quickly with RUNTIME_UNAVAILABLE and its fix,
// no container touched; with the engine back, the documented resume command completes it exactly
// once: one container per service, each on the new image, the state parseable.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { containersNamed } from '../fixtures/docker-images.js';
import { makeInfraWorkspace, type InfraWorkspace } from '../fixtures/infra-repo.js';
import { ferry } from '../helpers/ferry.js';
import { faultTally } from '../harness/fault-tally.js';
import { expectCompleted, expectFault, type FaultRun } from '../harness/fault-world.js';

const V = 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1';
let ws: InfraWorkspace;
beforeAll(async () => {
  ws = await makeInfraWorkspace();
}, 180_000);
afterAll(async () => {
  await ws?.cleanup();
});

async function redeploy(args: string[], env: Record<string, string> = {}): Promise<FaultRun> {
  const t = Date.now();
  const r = await ferry(['redeploy', ...args], { cwd: ws.dir, env, timeoutMs: 150_000 });
  return { exitCode: r.exitCode, out: `${r.stdout}\n${r.stderr}`, ms: Date.now() - t };
}

/** A loopback port nothing listens on: bound by the OS, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('faults of the container runtime', () => {
  const t = faultTally('faults-docker.test.ts');

  t.fault(
    'Docker engine unreachable during a redeploy',
    async () => {
      const runId = 'redeploy-20260301-fad0c1';
      const ids = async () =>
        Promise.all(ws.services.map(async (s) => (await ws.docker.getContainer(s.container).inspect()).Id));
      const before = await ids();
      const down = await redeploy(['--versions', V, '--skip-sync', '--run-id', runId], {
        DOCKER_HOST: 'unix:///nonexistent/docker.sock',
      });
      const fix = expectFault(down, 'RUNTIME_UNAVAILABLE');
      expect(fix).toContain('docker');
      expect(down.ms, 'fails fast, not after a long wait').toBeLessThan(30_000);
      expect(await ids()).toEqual(before);
      // Resumed while the engine is still away, now as a TCP endpoint nothing listens on: the same code, as fast.
      const tcp = await redeploy(['--resume', runId, '--versions', V], {
        DOCKER_HOST: `tcp://127.0.0.1:${await closedPort()}`,
      });
      expectFault(tcp, 'RUNTIME_UNAVAILABLE');
      expect(tcp.out).toMatch(/ECONNREFUSED/);
      expect(tcp.ms).toBeLessThan(30_000);
      expect(await ids()).toEqual(before);
      const up = await redeploy(['--resume', runId, '--versions', V]);
      expectCompleted(up);
      const state = JSON.parse(readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${runId}.json`), 'utf8'));
      const image = state.data.image_id as string;
      for (const s of ws.services) {
        const named = await containersNamed(ws.docker, s.container);
        expect(named.map((c) => c.Names[0])).toEqual([`/${s.container}`]);
        const c = await ws.docker.getContainer(s.container).inspect();
        expect([c.Image, c.State.Running]).toEqual([image, true]);
      }
      expect(state.data.phases.DEPLOY.status).toBe('completed');
    },
    240_000,
  );
});
