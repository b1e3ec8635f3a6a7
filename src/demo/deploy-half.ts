// The deploy half of `ferry demo`: a runtime repo whose Dockerfile pins released packages, a
// FROM-scratch busybox image (no registry), a staging and a production container; then ferry itself
// runs redeploy --versions-from <release> → stage → promote, and the outcome is checked from outside.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { DockerRuntime } from '../adapters/runtime/docker.js';
import { timestampRunId } from '../engine/run-id.js';
import { findBusybox, writeBusyboxContext } from '../testkit/busybox-image.js';
import { git, localGitConfig } from '../testkit/git.js';
import type { Ecosystem } from '../testkit/ecosystem.js';

const LABEL = 'ferry.demo';
export const RUNTIME_REPO = 'omninode_runtime';

/** The seed's Dockerfile.runtime shape: exact and range pins of released packages, busybox httpd. */
const DOCKERFILE = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/usr/local/bin:/bin
COPY tools/ /usr/local/bin/
RUN pip install --no-cache-dir \\
    omnibase_core==1.4.0 \\
    omniintelligence==0.9.0 \\
    "omniclaude>=0.3.0,<1.0.0"
COPY www/ /www/
EXPOSE 80
CMD ["httpd", "-f", "-p", "80", "-h", "/www"]
`;

/** The staging check, run inside the staging container by \`ferry stage\`: health answers, packages installed. */
const STAGING_CHECK = `#!/bin/sh
set -e
wget -q -O /dev/null "$1/health"
for p in omnibase_core omniintelligence omniclaude; do pip show "$p" | grep Version | sed "s/^/  $p /"; done
echo "staging check: PASS"
`;

export interface DeployDemo {
  suite: string;
  image: string;
  staging: { container: string; port: number };
  production: { container: string; port: number };
  runIds: { redeploy: string; stage: string; promote: string };
  /** Docker commands that remove what the demo created (printed with --keep). */
  cleanupCommands: string[];
  cleanup(): Promise<void>;
}

/** Why the deploy half cannot run here, or null when Docker and a static busybox are available. */
export async function deployUnavailable(): Promise<string | null> {
  if (!findBusybox()) return 'no static busybox on this machine (Debian: apt-get install busybox-static)';
  try {
    await new DockerRuntime().ping();
    return null;
  } catch (e) {
    return `Docker is not available (${(e as Error).message.split('\n')[0]})`;
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The runtime repo (with a bare origin), its first image, and the two running containers. */
export async function setUpDeploy(eco: Ecosystem): Promise<DeployDemo> {
  const suite = `ferry-demo-${randomBytes(3).toString('hex')}`;
  const dir = join(eco.workspace, RUNTIME_REPO);
  mkdirSync(dir, { recursive: true });
  writeBusyboxContext(dir);
  writeFileSync(join(dir, 'Dockerfile.runtime'), DOCKERFILE);
  writeFileSync(join(dir, 'tools', 'staging-check'), STAGING_CHECK, { mode: 0o755 });
  const remote = join(eco.remotesDir, `${RUNTIME_REPO}.git`);
  await git(eco.workspace, ['init', '-q', '-b', 'main', dir]);
  writeFileSync(
    join(dir, '.git', 'config'),
    readFileSync(join(dir, '.git', 'config'), 'utf8') + localGitConfig(remote),
  );
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', 'chore: runtime image']);
  await git(eco.workspace, ['clone', '-q', '--bare', dir, remote]);
  await git(dir, ['fetch', '-q', 'origin']);

  const rt = new DockerRuntime();
  const image = `${suite}/runtime`;
  const labels = { [LABEL]: suite };
  await rt.build({
    contextDir: dir,
    dockerfile: 'Dockerfile.runtime',
    tags: [`${image}:initial`, `${image}:staging`, `${image}:production`],
    labels,
  });
  const staging = { container: `${suite}-staging`, port: await freePort() };
  const production = { container: `${suite}-production`, port: await freePort() };
  for (const [c, tag] of [
    [staging, 'staging'],
    [production, 'production'],
  ] as const) {
    const created = await rt.docker.createContainer({
      name: c.container,
      Image: `${image}:${tag}`,
      Labels: labels,
      ExposedPorts: { '80/tcp': {} },
      // busybox httpd as PID 1 ignores SIGTERM: a short stop timeout keeps every recreate quick.
      StopTimeout: 1,
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(c.port) }] } },
    });
    await created.start();
  }
  const runIds = {
    redeploy: timestampRunId('redeploy'),
    stage: timestampRunId('stage'),
    promote: timestampRunId('promote'),
  };
  const cleanupCommands = [
    `docker rm -f ${staging.container} ${production.container}`,
    `docker image ls --filter label=${LABEL}=${suite} -q | xargs -r docker rmi -f`,
  ];
  eco.writeConfig((base) => ({
    ...base,
    redeploy: {
      repo: RUNTIME_REPO,
      dockerfile: 'Dockerfile.runtime',
      runtime: {
        kind: 'docker',
        dockerfile: 'Dockerfile.runtime',
        image: `${image}:staging`,
        services: [
          { name: 'runtime', container: staging.container, health: `http://127.0.0.1:${staging.port}/health` },
        ],
      },
      verify: { preset: 'pip', retries: 10, timeout_seconds: 3 },
    },
    environments: {
      staging: {
        services: {
          runtime: {
            container: staging.container,
            image: `${image}:staging`,
            base_url: 'http://127.0.0.1:80',
            check: ['staging-check', '{base_url}'],
          },
        },
      },
      production: {
        services: {
          runtime: {
            container: production.container,
            image: `${image}:production`,
            health: `http://127.0.0.1:${production.port}/health`,
            health_timeout_seconds: 20,
          },
        },
      },
    },
  }));
  return {
    suite,
    image,
    staging,
    production,
    runIds,
    cleanupCommands,
    async cleanup() {
      const filters = JSON.stringify({ label: [`${LABEL}=${suite}`] });
      // By name too: redeploy and promote recreate the two containers, and the recreated ones no
      // longer carry the demo label (it was the first image's label, which the new images lack).
      const ids = new Set([staging.container, production.container]);
      for (const c of await rt.docker.listContainers({ all: true, filters })) ids.add(c.Id);
      for (const id of ids)
        await rt.docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined);
      const refs = await rt.docker.listImages({ filters: JSON.stringify({ reference: [`${image}:*`] }) });
      for (const img of [...refs, ...(await rt.docker.listImages({ filters }))])
        await rt.docker
          .getImage(img.Id)
          .remove({ force: true })
          .catch(() => undefined);
    },
  };
}

export interface DeployOutcome {
  /** Image ids, as each step reported them and as Docker reports them now. */
  redeployImage: string | null;
  stagedImage: string | null;
  productionImage: string | null;
  versions: Record<string, string>;
  ok: boolean;
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Check from outside ferry: the result files against `docker inspect` of the production container. */
export async function checkDeploy(eco: Ecosystem, d: DeployDemo): Promise<DeployOutcome> {
  const results = join(eco.workspace, '.ferry', 'results');
  const redeploy = readJson(join(results, d.runIds.redeploy, 'redeploy.json'));
  const stage = readJson(join(results, d.runIds.stage, 'stage.json'));
  const inspect = await execa('docker', ['inspect', '--format', '{{.Image}}', d.production.container], {
    reject: false,
  });
  const redeployImage = (redeploy?.images as Record<string, string> | undefined)?.runtime ?? null;
  const stagedImage = (stage?.image_id as string | undefined) ?? null;
  const productionImage = inspect.exitCode === 0 ? inspect.stdout.trim() : null;
  const pins = (redeploy?.pins_applied as Record<string, { to: string }> | null) ?? {};
  const versions = Object.fromEntries(Object.entries(pins).map(([k, v]) => [k, v.to]));
  const ok =
    stage?.status === 'SUCCESS' &&
    redeployImage !== null &&
    redeployImage === stagedImage &&
    stagedImage === productionImage;
  return { redeployImage, stagedImage, productionImage, versions, ok };
}

/** The ferry commands of the deploy half, in order. */
export function deploySteps(releaseRunId: string, d: DeployDemo): Array<{ say: string; args: string[] }> {
  return [
    {
      say: `ferry redeploy --versions-from ${releaseRunId}     (pins → build → recreate staging → verify)`,
      args: ['redeploy', '--versions-from', releaseRunId, '--run-id', d.runIds.redeploy],
    },
    {
      say: 'ferry stage runtime      (the staging check runs inside the staging container; verdict file)',
      args: ['stage', 'runtime', '--run-id', d.runIds.stage],
    },
    {
      say: 'ferry promote runtime --env production      (the exact image staging passed: retag, no rebuild, health loop)',
      args: ['promote', 'runtime', '--env', 'production', '--run-id', d.runIds.promote],
    },
  ];
}
