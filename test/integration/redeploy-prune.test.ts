// Issue 16 point 8 on real Docker: redeploy tags each build `<image>:<run_id>` and keeps the newest
// `redeploy.keep_images` of those tags, never the image a service runs now or ran before this deploy
// (rollback recreates from it), and never a tag that is not a run tag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { runRedeploy } from '../../src/redeploy/index.js';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { InfisicalStore } from '../../src/adapters/secrets/infisical.js';
import { makeInfraWorkspace, type InfraWorkspace } from '../fixtures/infra-repo.js';
import { buildBusyboxImage } from '../fixtures/docker-images.js';
import { sleep } from '../promote-helpers.js';

let ws: InfraWorkspace;
const rt = new DockerRuntime();
let repo = '';
const ids: Record<string, string> = {};
const ref = (tag: string) => `${repo}:${tag}`;
const exists = async (r: string) => (await rt.inspectImage(r)) !== null;

beforeAll(async () => {
  ws = await makeInfraWorkspace();
  ws.writeConfig({ keep_images: 2 });
  repo = ws.image.slice(0, ws.image.lastIndexOf(':'));
  // What the services run now (built first, so the oldest): a run tag of an earlier redeploy.
  ids.previous = (await rt.inspectImage(ws.image))!.id;
  await rt.tag(ids.previous, ref('redeploy-20250101-000001'));
  // Three older builds, one second apart so their creation times order them (docker lists seconds).
  for (const [i, tag] of [
    'redeploy-20250102-000002',
    'redeploy-20250103-000003',
    'redeploy-20250104-000004',
  ].entries()) {
    await sleep(1100);
    ids[tag] = await buildBusyboxImage(ws.docker, ref(tag), ws.suite, {
      customize: (dir) => writeFileSync(join(dir, 'www', 'build.txt'), `old build ${i}\n`),
    });
  }
  // The oldest of them is also the staging image: a tag that is not a run tag is never touched.
  await rt.tag(ids['redeploy-20250102-000002']!, ref('staging'));
  await sleep(1100);
}, 300_000);
afterAll(async () => {
  await ws?.cleanup();
});

describe('redeploy image pruning (keep_images)', () => {
  it('keeps the newest keep_images run tags and the previous image; removes the rest; the result and state list them', async () => {
    const runId = 'redeploy-20260301-fe0001';
    const loaded = loadConfig(ws.configPath, { env: { PATH: process.env.PATH ?? '' } });
    const r = await runRedeploy(
      { versions: 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1', runId },
      loaded,
      { stateDir: join(ws.dir, '.ferry'), dryRun: false, verbose: false, renderer: { event: () => undefined } },
      { runtime: () => rt, secrets: (x) => new InfisicalStore(x), print: () => undefined },
      { backoffMs: 100 },
    );
    expect(r.result.error ?? null).toBeNull();
    expect(r.exitCode).toBe(0);
    const newId = (await rt.inspectImage(ref(runId)))!.id;
    for (const s of ws.services) expect((await rt.inspectContainer(s.container))!.imageId).toBe(newId);

    // Newest first: the new build and the newest old one are kept (keep_images 2); the two older
    // ones go; the previous image's tag stays although it is the oldest (rollback needs it).
    expect(r.result.pruned_images).toEqual([ref('redeploy-20250103-000003'), ref('redeploy-20250102-000002')]);
    const state = JSON.parse(readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${runId}.json`), 'utf8')) as {
      data: { pruned_images?: string[] };
    };
    expect(state.data.pruned_images).toEqual(r.result.pruned_images);
    expect(await exists(ref(runId))).toBe(true);
    expect(await exists(ref('redeploy-20250104-000004'))).toBe(true);
    expect(await exists(ref('redeploy-20250103-000003'))).toBe(false);
    expect(await exists(ref('redeploy-20250102-000002'))).toBe(false);
    expect(await exists(ref('redeploy-20250101-000001'))).toBe(true);
    // Untagging removed the image that had no other tag; the one still tagged staging stays.
    expect(await exists(ids['redeploy-20250103-000003']!)).toBe(false);
    expect((await rt.inspectImage(ref('staging')))!.id).toBe(ids['redeploy-20250102-000002']);
    expect(await exists(ids.previous!)).toBe(true);
  });
});
