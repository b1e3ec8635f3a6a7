// promote / stage on the shared engine, through the built CLI on a real Docker engine: kill -9 after
// SWITCH then --resume, --json events + result against schema/ and `ferry runs events`, --dry-run intents.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { parseVerdict } from '../../src/promote/verdict.js';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { cleanupSuite, containersNamed, freePort, runService, uniqueName } from '../fixtures/docker-images.js';
import { buildMarkedImage, repoImageIds } from '../promote-helpers.js';

const docker = new DockerRuntime();
const suite = uniqueName('promoteeng');
const repo = suite;
const stg = uniqueName('stg');
const prod = uniqueName('prod');
const ids: Record<string, string> = {};
let dir: string;
let prodPort: number;

const run = (args: string[], env: Record<string, string> = {}) => ferry(args, { cwd: dir, env });
const home = () => join(dir, '.ferry');
const events = (id: string) => jsonLines(readFileSync(join(home(), 'runs', id, 'events.jsonl'), 'utf8'));
const state = (pipeline: string, id: string) =>
  JSON.parse(readFileSync(join(home(), 'state', pipeline, `${id}.json`), 'utf8')) as {
    status: string;
    steps: Record<string, { status: string; detail?: string; attempts: number }>;
    data: Record<string, unknown>;
  };
const prodHealthy = async () => (await fetch(`http://127.0.0.1:${prodPort}/health`).catch(() => null))?.status === 200;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-promote-engine-'));
  ids.v1 = await buildMarkedImage(docker.docker, `${repo}:v1`, suite, 'v1');
  ids.v2 = await buildMarkedImage(docker.docker, `${repo}:v2`, suite, 'v2');
  ids.v3 = await buildMarkedImage(docker.docker, `${repo}:v3`, suite, 'v3');
  await docker.tag(ids.v1, `${repo}:prod`);
  prodPort = await freePort();
  await runService(docker.docker, { name: stg, image: `${repo}:v2`, suite, hostPort: await freePort() });
  await runService(docker.docker, { name: prod, image: `${repo}:prod`, suite, hostPort: prodPort });
  writeFileSync(
    join(dir, 'ferry.yaml'),
    stringify({
      version: 1,
      environments: {
        staging: {
          services: {
            api: {
              container: stg,
              image: `${repo}:staging`,
              check: ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/version'],
            },
          },
        },
        production: {
          services: {
            api: {
              container: prod,
              image: `${repo}:prod`,
              health: `http://127.0.0.1:${prodPort}/health`,
              health_timeout_seconds: 10,
            },
          },
        },
      },
    }),
  );
});

afterAll(async () => {
  await cleanupSuite(docker.docker, suite, [`${repo}:prod`]);
  rmSync(dir, { recursive: true, force: true });
});

describe('stage and promote on the engine (CLI)', () => {
  it("--dry-run prints every step's intents and changes nothing", async () => {
    const stageDry = await run(['stage', 'api', '--dry-run']);
    expect(stageDry.exitCode, stageDry.stderr).toBe(0);
    for (const step of ['INSPECT', 'CHECK', 'VERDICT']) expect(stageDry.stdout).toContain(`[dry-run] ${step}`);
    expect(stageDry.stdout).toContain(`$ docker exec ${stg} wget -q -O /dev/null http://127.0.0.1:80/version`);
    expect(existsSync(home())).toBe(false);

    // Staging verdict for v2 (real), then a promote dry run.
    const staged = await run(['stage', 'api', '--run-id', 'stage-20260101-eng001']);
    expect(staged.exitCode, staged.stderr).toBe(0);
    const before = readdirSync(home(), { recursive: true }).sort();
    const dry = await run([
      'promote',
      'api',
      '--env',
      'production',
      '--dry-run',
      '--run-id',
      'promote-20260101-dry001',
    ]);
    expect(dry.exitCode, dry.stderr).toBe(0);
    for (const step of ['VERIFY_STAGING', 'RECORD_PREVIOUS', 'RETAG', 'SWITCH', 'HEALTH', 'ROLLBACK', 'VERDICT'])
      expect(dry.stdout).toContain(`[dry-run] ${step}`);
    expect(dry.stdout).toContain(`$ docker tag ${ids.v2} ${repo}:prod`);
    expect(dry.stdout).toContain(`recreate container ${prod}`);
    expect(dry.stdout).toContain(ids.v1); // the previous image id, shown for the rollback intent
    expect(readdirSync(home(), { recursive: true }).sort()).toEqual(before); // no state, events, verdict or result
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v1);
    expect((await docker.inspectImage(`${repo}:prod`))?.id).toBe(ids.v1);
  });

  it('kill -9 after SWITCH, before HEALTH; --resume → one production container on the staged image, healthy, verdict once', async () => {
    const id = 'promote-20260101-kill01';
    const imagesBefore = await repoImageIds(docker.docker, repo);
    const killed = await run(['promote', 'api', '--env', 'production', '--run-id', id], {
      FERRY_TEST_CRASH: 'AFTER:SWITCH',
    });
    expect(killed.exitCode).not.toBe(0);
    const mid = state('promote', id);
    expect(mid.steps.SWITCH!.status).toBe('completed');
    expect(mid.steps.HEALTH!.status).toBe('pending');
    expect(mid.data).toMatchObject({ source_image_id: ids.v2, previous_image_id: ids.v1 }); // rollback target survives the crash
    expect(existsSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'))).toBe(false);

    const resumed = await run(['--json', 'promote', 'api', '--resume', id]);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    const result = jsonLines(resumed.stdout).pop()!;
    expect(result).toMatchObject({
      status: 'SUCCESS',
      exit_code: 0,
      run_id: id,
      source_image_id: ids.v2,
      previous_image_id: ids.v1,
      rolled_back: false,
    });

    const named = await containersNamed(docker.docker, prod);
    expect(named.map((c) => c.Names[0])).toEqual([`/${prod}`]); // exactly one, no -ferry-prev/-next leftovers
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v2);
    expect(await prodHealthy()).toBe(true);
    expect(await repoImageIds(docker.docker, repo)).toEqual(imagesBefore); // nothing built

    const all = events(id);
    const verdictWrites = all.filter((e) => e.step === 'VERDICT' && e.type === 'step.completed');
    expect(verdictWrites).toHaveLength(1);
    expect(all.filter((e) => e.step === 'SWITCH' && e.type === 'step.started')).toHaveLength(1); // not switched again
    expect(all.some((e) => e.type === 'run.resumed')).toBe(true);
    const v = parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy');
    expect(v.frontmatter).toMatchObject({
      deploy_status: 'SUCCESS',
      exit_code: 0,
      run_id: id,
      image_id: ids.v2,
      previous_image_id: ids.v1,
    });
    expect(state('promote', id).status).toBe('completed');

    // Resuming a finished run changes nothing and writes no second verdict.
    const again = await run(['--json', 'promote', 'api', '--resume', id]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(events(id).filter((e) => e.step === 'VERDICT' && e.type === 'step.completed')).toHaveLength(1);
  });

  it('--json: every line is a schema-valid event, the last is a schema-valid result; `ferry runs events` shows them', async () => {
    await docker.recreate(stg, `${repo}:v3`);
    const staged = await run(['--json', 'stage', 'api', '--run-id', 'stage-20260101-eng002']);
    expect(staged.exitCode, staged.stderr).toBe(0);
    const stageLines = jsonLines(staged.stdout);
    expect(validateAgainst('result', stageLines.at(-1))).toEqual([]);
    expect(validateAgainst('stage-result', stageLines.at(-1))).toEqual([]);
    for (const e of stageLines.slice(0, -1)) expect(validateAgainst('event', e)).toEqual([]);

    const id = 'promote-20260101-json01';
    const r = await run(['--json', 'promote', 'api', '--env', 'production', '--run-id', id]);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    const result = lines.pop()!;
    expect(validateAgainst('result', result)).toEqual([]);
    expect(validateAgainst('promote-result', result)).toEqual([]);
    expect(result).toMatchObject({ skill: 'promote', status: 'SUCCESS', exit_code: 0, source_image_id: ids.v3 });
    expect(lines.length).toBeGreaterThan(8);
    for (const e of lines) expect(validateAgainst('event', e)).toEqual([]);
    expect(lines.map((e) => `${e.type}:${e.step ?? ''}`)).toEqual(
      expect.arrayContaining([
        'run.started:',
        'step.completed:VERIFY_STAGING',
        'step.completed:SWITCH',
        'step.completed:HEALTH',
        'step.skipped:ROLLBACK',
        'step.completed:VERDICT',
        'run.finished:',
      ]),
    );
    expect(validateAgainst('state', state('promote', id))).toEqual([]);

    const ev = await run(['runs', 'events', id]);
    expect(ev.exitCode, ev.stderr).toBe(0);
    const logged = jsonLines(ev.stdout);
    expect(logged.map((e) => e.type)).toEqual(lines.map((e) => e.type));
    const show = await run(['--json', 'runs', 'show', id]);
    expect(validateAgainst('runs-show', jsonLines(show.stdout).at(-1))).toEqual([]);
    expect(jsonLines(show.stdout).pop()).toMatchObject({ state: { pipeline: 'promote', status: 'completed' } });
    expect(JSON.parse(readFileSync(join(home(), 'results', id, 'promote.json'), 'utf8'))).toMatchObject({
      exit_code: 0,
      run_id: id,
    });
  });

  it('a refused promote is exit 1 with its error code, and --resume re-checks after a new staging verdict', async () => {
    await docker.recreate(stg, `${repo}:v2`); // staging now runs v2; the latest verdict is SUCCESS for v3
    const id = 'promote-20260101-stale1';
    const r = await run(['--json', 'promote', 'api', '--env', 'production', '--run-id', id]);
    expect(r.exitCode).toBe(1);
    expect(jsonLines(r.stdout).pop()).toMatchObject({
      status: 'FAILED',
      exit_code: 1,
      error: { code: 'STAGING_STALE' },
      switched: false,
    });
    expect(state('promote', id).steps.RETAG!.status).toBe('blocked');
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v3);
    expect(
      parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy').frontmatter,
    ).toMatchObject({ deploy_status: 'FAILED', exit_code: 1, run_id: id });

    expect((await run(['stage', 'api'])).exitCode).toBe(0);
    const resumed = await run(['--json', 'promote', 'api', '--resume', id]);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v2);
    expect(
      parseVerdict(readFileSync(join(dir, '.ferry/verdicts/api/14-deploy-log.md'), 'utf8'), 'deploy').frontmatter,
    ).toMatchObject({ deploy_status: 'SUCCESS', exit_code: 0, run_id: id });
  });
});
