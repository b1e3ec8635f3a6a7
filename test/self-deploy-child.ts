// A stand-in for the `ferry` process in the self-deploy test, run with vite-node:
//   launch <dir> <runId> <attestation> <imageId>  — Phase A (attestation) + Phase B, then exit at once
//   hook <dir> <runId> <imageId>        — the promote hook in hook mode; exits 0/1/2
// <dir>/envs.json holds the environments config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerRuntime } from '../src/adapters/runtime/docker.js';
import { SwarmRuntime } from '../src/adapters/runtime/swarm.js';
import { runPromote } from '../src/promote/promote.js';
import { runSelfDeploy } from '../src/promote/self-deploy.js';
import { identify } from '../src/promote/self-detect.js';
import { backendFor, resolvePair, sourceImageIdFn, targetIdentityFn } from '../src/promote/wiring.js';
import { environments } from './promote-helpers.js';

const [mode, dir, runId, arg, image] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const docker = new DockerRuntime();
const rt = { docker, swarm: new SwarmRuntime({ docker: docker.docker }) };
const envs = environments(JSON.parse(readFileSync(join(dir, 'envs.json'), 'utf8')));
const { target, staging } = resolvePair(envs, 'api', 'production', dir);
const self = identify({ env: {}, cgroup: null, mountinfo: null, dockerenv: false, hostname: 'host' });
const viteNode = fileURLToPath(new URL('../node_modules/.bin/vite-node', import.meta.url));
const me = fileURLToPath(import.meta.url);

if (mode === 'launch') {
  const r = await runSelfDeploy({
    target,
    staging,
    home: join(dir, '.ferry'),
    runId,
    resume: false,
    dryRun: false,
    sourceImageId: sourceImageIdFn(rt, staging, image),
    currentImageId: () => backendFor(rt, target).currentImageId(),
    targetIdentity: targetIdentityFn(rt, target, self),
    self,
    approve: async () => ({ approved: true, token: arg }),
    hookArgv: (image, id) => [viteNode, me, 'hook', dir, id, image],
  });
  process.stdout.write(JSON.stringify({ ...r, parent_pid: process.pid }) + '\n');
  process.exit(0);
} else if (mode === 'hook') {
  const r = await runPromote({
    backend: backendFor(rt, target),
    target,
    staging,
    sourceImageId: async () => arg,
    imageExists: async (id) => (await docker.inspectImage(id)) !== null,
    targetIdentity: targetIdentityFn(rt, target, self),
    self,
    home: join(dir, '.ferry'),
    runId: `${runId}-hook`,
    dryRun: false,
    hookMode: true,
  });
  console.log(JSON.stringify(r));
  process.exit(r.exit_code);
}
