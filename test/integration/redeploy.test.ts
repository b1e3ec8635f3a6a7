// ferry redeploy end to end on the real Docker engine (in process): a seed-shaped infra repo,
// 3 busybox httpd services, real git worktrees, a local Infisical API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { runRedeploy, type RedeployOptions } from '../../src/redeploy/index.js';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { InfisicalStore } from '../../src/adapters/secrets/infisical.js';
import type { FerryEvent } from '../../src/engine/types.js';
import { makeInfraWorkspace, type InfraWorkspace } from '../fixtures/infra-repo.js';
import { containersNamed } from '../fixtures/docker-images.js';
import { startInfisical, type InfisicalSim } from '../fixtures/infisical-server.js';
import { startSlackServer } from '../fixtures/slack-server.js';
import { redeployDeps } from '../../src/redeploy/wiring.js';
import type { FerryError } from '../../src/errors.js';
import { git } from '../fixtures/git.js';
import { validateAgainst } from '../helpers/schema.js';
import { mkdirSync } from 'node:fs';

const V1 = { omniintelligence: '0.8.0', 'omninode-claude': '0.4.0', 'omninode-memory': '0.6.1' };
const V1S = 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1';
/** pins_applied after V1 on the fixture's Dockerfile: what each pin said before, and now. */
const V1_APPLIED = {
  omniintelligence: { from: '0.7.0', to: '0.8.0' },
  'omninode-claude': { from: '0.3.0', to: '0.4.0' },
  'omninode-memory': { from: '0.5.0', to: '0.6.1' },
};
let ws: InfraWorkspace;
let sim: InfisicalSim;
const rt = new DockerRuntime();

beforeAll(async () => {
  ws = await makeInfraWorkspace();
  sim = await startInfisical();
});
afterAll(async () => {
  await sim?.close();
  await ws?.cleanup();
});

async function redeploy(o: RedeployOptions, dryRun = false) {
  const loaded = loadConfig(ws.configPath, { env: { PATH: process.env.PATH ?? '' } });
  const events: FerryEvent[] = [];
  const printed: string[] = [];
  const outcome = await runRedeploy(
    o,
    loaded,
    { stateDir: join(ws.dir, '.ferry'), dryRun, verbose: false, renderer: { event: (e) => events.push(e) } },
    {
      runtime: () => rt,
      secrets: (x) => new InfisicalStore(x),
      print: (l) => printed.push(l),
    },
    { backoffMs: 100 },
  );
  return { ...outcome, events, printed };
}

async function containerIds(): Promise<string[]> {
  return Promise.all(ws.services.map(async (s) => (await rt.inspectContainer(s.container))!.id));
}

function logs(events: FerryEvent[]): string[] {
  return events.filter((e) => e.type === 'log').map((e) => e.message ?? '');
}

function setEnv(values: Record<string, string>): void {
  writeFileSync(
    ws.envFile,
    Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
}
const BASE_ENV = { POSTGRES_PASSWORD: 'pg-secret-123', KAFKA_BOOTSTRAP_SERVERS: 'localhost:19092' };

describe('ferry redeploy (real Docker)', () => {
  it('--dry-run prints the seed format, writes no state and touches no container', async () => {
    const before = await containerIds();
    const r = await redeploy({ versions: V1S, runId: 'redeploy-20260301-abc123' }, true);
    expect(r.printed[0]).toBe('[DRY RUN] redeploy run_id=redeploy-20260301-abc123');
    const wt = join(ws.dir, '.ferry', 'worktrees', 'redeploy-20260301-abc123', 'omnibase_infra');
    expect(r.printed.slice(1)).toEqual([
      `  SYNC:       git -C ${ws.infraRepo} pull --ff-only`,
      `              git -C ${ws.coreRepo} pull --ff-only`,
      '  ENV_CHECK:  verify POSTGRES_PASSWORD, KAFKA_BOOTSTRAP_SERVERS',
      `  WORKTREE:   git -C ${ws.infraRepo} worktree add ${wt} -b redeploy-20260301-abc123`,
      `  PIN_UPDATE: ferry pins --versions "${V1S}" --dockerfile ${wt}/docker/Dockerfile.runtime`,
      // Every pin change with its line, checked against the repo's Dockerfile before anything ran.
      '              omniintelligence: 0.7.0 -> 0.8.0  (docker/Dockerfile.runtime:6)',
      '              omninode-claude: ==0.3.0 -> ==0.4.0  (docker/Dockerfile.runtime:9)',
      '              omninode-memory: ==0.5.0 -> ==0.6.1  (docker/Dockerfile.runtime:10)',
      `  DEPLOY:     docker build -t ferry-test-${ws.suite}/runtime:redeploy-20260301-abc123 -f docker/Dockerfile.runtime ${wt} + recreate ${ws.services.map((s) => s.container).join(', ')}`,
      '  INFISICAL:  [skipped_no_infisical]',
      `  VERIFY:     ${ws.services.map((s) => `curl http://127.0.0.1:${s.port}/health`).join(' + ')} + ${Object.keys(V1)
        .map((p) => `docker exec ${ws.services[0]!.container} uv pip show ${p}`)
        .join(' + ')}`,
      '  NOTIFY:     [stdout] redeploy summary',
      `[DRY RUN] wrote only ${join(ws.dir, '.ferry', 'results', 'redeploy-20260301-abc123', 'redeploy.json')} (status dry_run); no state file, no worktree or branch, no Dockerfile edit, no image or container touched`,
    ]);
    expect(r.result).toMatchObject({ skill: 'redeploy', status: 'dry_run', run_id: 'redeploy-20260301-abc123' });
    expect(existsSync(join(ws.dir, '.ferry', 'state'))).toBe(false);
    // Seed redeploy-prompt.md "Dry-Run Mode": write ModelSkillResult(status="dry_run"), no state file.
    const onDisk = JSON.parse(
      readFileSync(join(ws.dir, '.ferry', 'results', 'redeploy-20260301-abc123', 'redeploy.json'), 'utf8'),
    );
    expect(onDisk.status).toBe('dry_run');
    expect(existsSync(wt)).toBe(false);
    expect(await containerIds()).toEqual(before);
  });

  it('a missing required variable fails ENV_CHECK with ENV_MISSING and the resume command', async () => {
    setEnv({ POSTGRES_PASSWORD: 'pg-secret-123' });
    const r = await redeploy({ versions: V1S, skipSync: true });
    setEnv(BASE_ENV);
    expect(r.exitCode).toBe(1);
    expect(r.result.phases).toMatchObject({ SYNC: 'skipped_by_flag', ENV_CHECK: 'failed', WORKTREE: 'pending' });
    expect(r.result.error).toMatchObject({ phase: 'ENV_CHECK', code: 'ENV_MISSING' });
    expect(r.errorLines).toEqual([
      'ERROR in ENV_CHECK: KAFKA_BOOTSTRAP_SERVERS not set. Source .omnibase.env before deploying.',
      `Resume with: ferry redeploy --resume ${r.result.run_id} --versions "${V1S}" --skip-sync`,
    ]);
    const state = JSON.parse(
      readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${r.result.run_id}.json`), 'utf8'),
    );
    expect(state.data.phases.ENV_CHECK).toMatchObject({ status: 'failed', missing: 'KAFKA_BOOTSTRAP_SERVERS' });
    // A flag the run did not start with is refused on --resume (it would be ignored); its own flags may be repeated.
    await expect(redeploy({ resume: r.result.run_id, verifyOnly: true, skipDockerfileUpdate: true })).rejects.toThrow(
      `--skip-dockerfile-update, --verify-only were not part of ${r.result.run_id}; a resumed run keeps the flags it started with (for that, start a new run: ferry redeploy --verify-only --versions "${V1S}")`,
    );
    await expect(redeploy({ resume: r.result.run_id, versionsFrom: 'release-20260301-aaaaaa' })).rejects.toThrow(
      '--versions-from was not part of',
    );
    const state2 = JSON.parse(
      readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${r.result.run_id}.json`), 'utf8'),
    );
    expect(state2).toEqual(state);
  });

  it('ENV_MISSING names an env file that does not exist instead of asking to source it', async () => {
    ws.writeConfig({ env_file: 'no-such.env' });
    setEnv({ POSTGRES_PASSWORD: 'pg-secret-123' });
    try {
      const r = await redeploy({ versions: V1S, skipSync: true });
      expect(r.exitCode).toBe(1);
      expect(r.errorLines[0]).toMatch(
        /^ERROR in ENV_CHECK: [A-Z_]+ not set\. The env file no-such\.env \(.*no-such\.env\) does not exist\.$/,
      );
    } finally {
      setEnv(BASE_ENV);
      ws.writeConfig();
    }
  });

  it('redeploys: pins rewritten, image rebuilt, containers recreated, health 200, versions match', async () => {
    const beforeIds = await containerIds();
    const beforeImage = (await rt.inspectImage(ws.image))!.id;
    const r = await redeploy({ versions: V1S });
    expect(r.errorLines).toEqual([]);
    expect(r.result).toMatchObject({
      skill: 'redeploy',
      status: 'success',
      phases: {
        SYNC: 'completed',
        ENV_CHECK: 'completed',
        WORKTREE: 'completed',
        PIN_UPDATE: 'completed',
        DEPLOY: 'completed',
        INFISICAL: 'skipped_no_infisical',
        VERIFY: 'completed',
        NOTIFY: 'completed',
      },
      pins_applied: V1_APPLIED,
    });
    const state = JSON.parse(
      readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${r.result.run_id}.json`), 'utf8'),
    );
    const wt = state.data.worktree_path as string;
    expect(state.data).toMatchObject({
      run_id: r.result.run_id,
      worktree_ticket: r.result.run_id,
      worktree_ref: 'main',
      versions_requested: V1,
    });
    expect(state.data.phases.PIN_UPDATE).toMatchObject({ status: 'completed', pins_applied: V1_APPLIED });
    expect(state.data.pins_applied).toEqual(V1_APPLIED);
    expect(state.data.phases.WORKTREE).toMatchObject({ status: 'completed', path: wt, reused: false });
    const dockerfile = readFileSync(join(wt, 'docker/Dockerfile.runtime'), 'utf8');
    expect(dockerfile).toContain('ARG OMNIINTELLIGENCE_VERSION=0.8.0');
    expect(dockerfile).toContain('    omninode-claude[cli]==0.4.0 \\');
    expect(dockerfile).toContain('    omninode-memory==0.6.1');
    expect(readFileSync(join(ws.infraRepo, 'docker/Dockerfile.runtime'), 'utf8')).toContain(
      'OMNIINTELLIGENCE_VERSION=0.7.0',
    );
    const afterIds = await containerIds();
    for (let i = 0; i < afterIds.length; i++) expect(afterIds[i]).not.toBe(beforeIds[i]);
    const built = state.data.image_id as string;
    expect(built).not.toBe(beforeImage);
    for (const s of ws.services) {
      expect((await rt.inspectContainer(s.container))!.imageId).toBe(built);
      expect(await containersNamed(ws.docker, s.container)).toHaveLength(1);
      expect((await fetch(`http://127.0.0.1:${s.port}/health`)).status).toBe(200);
    }
    expect(r.result.images).toEqual(Object.fromEntries(ws.services.map((s) => [s.name, built])));
    expect(logs(r.events)).toEqual(
      expect.arrayContaining([
        'SYNC: omnibase_infra: up to date',
        'ENV_CHECK: POSTGRES_PASSWORD OK',
        '  omniintelligence: 0.7.0 -> 0.8.0',
        '  omninode-claude: 0.3.0 -> 0.4.0',
        `VERIFY: omninode-runtime http://127.0.0.1:${ws.services[0]!.port}/health -> 200 OK`,
        'VERIFY: omninode-memory Version: 0.6.1 (expected 0.6.1) -> OK',
      ]),
    );
    expect(r.printed).toEqual([
      `[redeploy] ${r.result.run_id} complete`,
      '  Pins: omniintelligence==0.8.0, omninode-claude==0.4.0, omninode-memory==0.6.1',
      '  Phases: all completed',
    ]);
    const saved = JSON.parse(readFileSync(r.resultPath!, 'utf8'));
    expect(saved).toEqual(r.result);
    // Secrets from the env file never reach state or events.
    expect(JSON.stringify(state) + JSON.stringify(r.events)).not.toContain('pg-secret-123');
  });

  it('--verify-only checks the running containers and changes nothing', async () => {
    const before = await containerIds();
    const ok = await redeploy({ versions: V1S, verifyOnly: true });
    expect(ok.result).toMatchObject({
      status: 'success',
      phases: { SYNC: 'skipped_by_flag', DEPLOY: 'skipped_by_flag', VERIFY: 'completed', NOTIFY: 'skipped_by_flag' },
    });
    const bad = await redeploy({ versions: 'omniintelligence=0.9.0,omninode-memory=0.6.1', verifyOnly: true });
    expect(bad.exitCode).toBe(1);
    expect(bad.errorLines[0]).toBe(
      'ERROR in VERIFY: VERIFY FAILED: Version mismatches: omniintelligence: expected 0.9.0, got 0.8.0',
    );
    expect(await containerIds()).toEqual(before);
  });

  it('version mismatch → VERIFY FAILED with resume command; --resume skips completed phases', async () => {
    // Rebuilding without the pin update ships the old pins: a silent build mismatch.
    const r = await redeploy({
      versions: 'omniintelligence=0.9.0,omninode-memory=0.6.1',
      skipSync: true,
      skipDockerfileUpdate: true,
    });
    expect(r.exitCode).toBe(1);
    expect(r.result.phases).toMatchObject({ DEPLOY: 'completed', VERIFY: 'failed', NOTIFY: 'pending' });
    // The new worktree starts from main (0.7.0 / 0.5.0); without PIN_UPDATE those are what ships.
    expect(r.errorLines).toEqual([
      'ERROR in VERIFY: VERIFY FAILED: Version mismatches: omniintelligence: expected 0.9.0, got 0.7.0; omninode-memory: expected 0.6.1, got 0.5.0',
      `Resume with: ferry redeploy --resume ${r.result.run_id} --versions "omniintelligence=0.9.0,omninode-memory=0.6.1" --skip-sync --skip-dockerfile-update`,
    ]);
    // Fix the running container by hand, then resume.
    await rt.exec(ws.services[0]!.container, [
      'sh',
      '-c',
      'echo "Version: 0.9.0" > /opt/versions/omniintelligence && echo "Version: 0.6.1" > /opt/versions/omninode-memory',
    ]);
    const again = await redeploy({ resume: r.result.run_id, versions: 'omniintelligence=0.9.0,omninode-memory=0.6.1' });
    expect(again.exitCode).toBe(0);
    expect(again.printed[0]).toBe(
      `Resuming ${r.result.run_id}: skipping completed phases [ENV_CHECK, WORKTREE, DEPLOY]`,
    );
    const skipped = again.events.filter((e) => e.type === 'step.skipped').map((e) => e.step);
    expect(skipped).toEqual(['SYNC', 'ENV_CHECK', 'WORKTREE', 'PIN_UPDATE', 'DEPLOY', 'INFISICAL']);
    expect(again.events.filter((e) => e.type === 'step.started').map((e) => e.step)).toEqual(['VERIFY', 'NOTIFY']);
    expect(again.result).toMatchObject({
      status: 'success',
      phases: { VERIFY: 'completed', NOTIFY: 'completed', PIN_UPDATE: 'skipped_by_flag' },
    });
  });

  it('INFISICAL: completed against the Infisical API; skipped_by_flag with --skip-infisical; creds missing → ENV_MISSING', async () => {
    ws.writeConfig({
      secrets: {
        kind: 'infisical',
        project_id: sim.projectId,
        environment: 'prod',
        secret_path: '/shared/db',
        keys: { POSTGRES_PASSWORD: 'POSTGRES_PASSWORD' },
      },
    });
    setEnv({ ...BASE_ENV, INFISICAL_ADDR: sim.url, INFISICAL_CLIENT_ID: sim.clientId });
    const missing = await redeploy({ versions: V1S, skipSync: true });
    expect(missing.result.error).toMatchObject({ phase: 'ENV_CHECK', code: 'ENV_MISSING' });
    expect(missing.errorLines[0]).toBe(
      'ERROR in ENV_CHECK: INFISICAL_ADDR is set but INFISICAL_CLIENT_SECRET is missing.',
    );

    setEnv({
      ...BASE_ENV,
      INFISICAL_ADDR: sim.url,
      INFISICAL_CLIENT_ID: sim.clientId,
      INFISICAL_CLIENT_SECRET: sim.clientSecret,
    });
    const flagged = await redeploy({ versions: V1S, skipSync: true, skipSecrets: true });
    expect(flagged.result.phases.INFISICAL).toBe('skipped_by_flag');
    expect(sim.secrets.size).toBe(0);

    const done = await redeploy({ versions: V1S, skipSync: true });
    expect(done.result).toMatchObject({ status: 'success', phases: { INFISICAL: 'completed' } });
    expect(sim.secrets.get('prod:/shared/db:POSTGRES_PASSWORD')).toBe('pg-secret-123');
    expect(logs(done.events)).toContain('  /shared/db/POSTGRES_PASSWORD: OK (created)');
    expect(JSON.stringify(done.events)).not.toContain(sim.clientSecret);
    setEnv(BASE_ENV);
    ws.writeConfig();
  });

  it('DEPLOY names a runtime.dockerfile missing from the build context before building, and touches no container', async () => {
    const rtc = {
      kind: 'docker',
      context: '.',
      dockerfile: 'docker/nope',
      image: ws.image,
      services: ws.services.map((s) => ({ name: s.name, container: s.container })),
    };
    ws.writeConfig({ runtime: rtc });
    try {
      const before = await containerIds();
      const r = await redeploy({ versions: V1S, skipSync: true });
      expect(r.result.error).toMatchObject({ phase: 'DEPLOY', code: 'DEPLOY_FAILED' });
      expect(r.errorLines[0]).toMatch(
        /^ERROR in DEPLOY: Dockerfile docker\/nope not found in the build context .*\/omnibase_infra$/,
      );
      expect(await containerIds()).toEqual(before);
      expect(
        r.events.some(
          (e) =>
            e.type === 'log' &&
            e.level === 'warn' &&
            /^DEPLOY builds .*\/docker\/nope but PIN_UPDATE edited .*\/docker\/Dockerfile\.runtime \(redeploy\.dockerfile\)/.test(
              e.message ?? '',
            ),
        ),
      ).toBe(true);
    } finally {
      ws.writeConfig();
    }
  });

  it('DEPLOY refuses containers another live run is recreating (LOCKED), and resumes once it is done', async () => {
    const { acquireRunLock } = await import('../../src/engine/lock.js');
    const other = await acquireRunLock(
      join(ws.dir, '.ferry', 'locks', 'containers', ws.services[1]!.container),
      'redeploy redeploy-20260301-other9 DEPLOY',
    );
    const before = await containerIds();
    let r: Awaited<ReturnType<typeof redeploy>>;
    try {
      r = await redeploy({ versions: V1S, skipSync: true });
    } finally {
      await other.release();
    }
    expect(r.result.error).toMatchObject({ phase: 'DEPLOY', code: 'LOCKED' });
    expect(r.errorLines[0]).toContain(
      `ERROR in DEPLOY: container ${ws.services[1]!.container} is being recreated by another run: run is locked by pid ${process.pid}`,
    );
    expect(await containerIds()).toEqual(before);
    const again = await redeploy({ resume: r.result.run_id });
    expect(again.result).toMatchObject({ status: 'success', phases: { DEPLOY: 'completed', VERIFY: 'completed' } });
  });

  it('SYNC fails naming a diverged repo', async () => {
    const { git } = await import('../fixtures/git.js');
    // Someone else pushed to origin; the local clone has its own commit: ff-only is impossible.
    const other = join(ws.dir, '..', 'other-core');
    await git(join(ws.dir, '..'), ['clone', '-q', join(ws.dir, '..', 'remotes', 'omnibase_core.git'), other]);
    writeFileSync(join(other, 'x.txt'), 'x');
    await git(other, ['add', '-A']);
    await git(other, ['-c', 'user.name=o', '-c', 'user.email=o@x', 'commit', '-q', '-m', 'remote change'], 2);
    await git(other, ['push', '-q', 'origin', 'main']);
    writeFileSync(join(ws.coreRepo, 'y.txt'), 'y');
    await git(ws.coreRepo, ['add', '-A']);
    await git(ws.coreRepo, ['commit', '-q', '-m', 'local change'], 3);
    const r = await redeploy({ versions: V1S });
    expect(r.result.error).toMatchObject({ phase: 'SYNC', code: 'SYNC_FAILED' });
    expect(r.errorLines[0]).toMatch(/^ERROR in SYNC: SYNC failed for omnibase_core \(diverged\)/);
  });

  it('runtime `command` runs the user script from the worktree; --versions-from reads a release result', async () => {
    const resultDir = join(ws.dir, '.ferry', 'results', 'release-20260301-aaaaaa');
    mkdirSync(resultDir, { recursive: true });
    writeFileSync(
      join(resultDir, 'release.json'),
      JSON.stringify({
        skill: 'release',
        details: Object.entries(V1).map(([repo, v]) => ({ repo, new_version: v, error: null })),
      }),
    );
    ws.writeConfig({
      runtime: { kind: 'command', command: ['./scripts/deploy-runtime.sh', '--execute', '--restart'] },
    });
    try {
      const r = await redeploy({ versionsFrom: 'release-20260301-aaaaaa', skipSync: true });
      expect(r.errorLines).toEqual([]);
      expect(r.result).toMatchObject({
        status: 'success',
        pins_applied: V1_APPLIED,
        phases: { DEPLOY: 'completed', VERIFY: 'completed' },
      });
      const state = JSON.parse(
        readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${r.result.run_id}.json`), 'utf8'),
      );
      expect(readFileSync(join(state.data.worktree_path, '.deployed'), 'utf8')).toBe('--execute --restart\n');
      expect(logs(r.events)).toEqual(
        expect.arrayContaining(['[deploy-runtime] Building omninode-runtime ...', '[deploy-runtime] DONE']),
      );
    } finally {
      ws.writeConfig();
    }
  });

  it('--versions-from a real-shaped release result: only DONE packages; the ones the image does not pin are not_in_dockerfile', async () => {
    const detail = (repo: string, v: string, phase: string) => ({
      repo,
      tier: 1,
      old_version: '0.0.1',
      new_version: v,
      bump: 'minor',
      commits_since_tag: 1,
      pr_url: null,
      pr_number: 1,
      tag: `${repo}/v${v}`,
      pypi_status: phase === 'DONE' ? 'available' : null,
      phase,
      error: null,
    });
    const write = (id: string, status: string, details: unknown[]) => {
      const dir = join(ws.dir, '.ferry', 'results', id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'release.json'),
        JSON.stringify({
          skill: 'release',
          status,
          run_id: id,
          gate_token: null,
          plan_hash: `sha256:${'0'.repeat(64)}`,
          repos_attempted: details.length,
          repos_succeeded: 1,
          repos_failed: 0,
          repos_skipped: 0,
          details,
        }),
      );
    };
    // omnibase_spi was released but the runtime image does not pin it; omninode-memory stopped at TAGGED (never published).
    write('release-20260302-bbbbbb', 'PARTIAL', [
      detail('omnibase_spi', '1.2.1', 'DONE'),
      detail('omniintelligence', '0.9.1', 'DONE'),
      detail('omninode-memory', '0.7.0', 'TAGGED'),
    ]);
    write('release-20260302-cccccc', 'DRY_RUN', [detail('omniintelligence', '0.9.2', 'PLANNED')]);
    await expect(redeploy({ versionsFrom: 'release-20260302-cccccc', skipSync: true })).rejects.toThrow(
      'release release-20260302-cccccc was a dry run: it released nothing',
    );

    const r = await redeploy({ versionsFrom: 'release-20260302-bbbbbb', skipSync: true });
    expect(r.errorLines).toEqual([]);
    expect(r.result).toMatchObject({
      status: 'success',
      pins_applied: { omniintelligence: { from: '0.7.0', to: '0.9.1' } },
      not_in_dockerfile: ['omnibase_spi'],
      phases: { PIN_UPDATE: 'completed', DEPLOY: 'completed', VERIFY: 'completed' },
    });
    expect(validateAgainst('redeploy-result', r.result)).toEqual([]);
    expect(logs(r.events)).toEqual(
      expect.arrayContaining([
        '  omnibase_spi: not in the Dockerfile (not_in_dockerfile), skipped',
        'VERIFY: omnibase_spi not pinned in the Dockerfile (--allow-unmatched) -> not checked',
        'VERIFY: omniintelligence Version: 0.9.1 (expected 0.9.1) -> OK',
      ]),
    );
    expect(r.printed).toContain('  Pins: omniintelligence==0.9.1');
  });

  it('validates early: a package the Dockerfile does not pin, or a downgrade, exits 2 before SYNC (no worktree, no branch)', async () => {
    const branches = () => git(ws.infraRepo, ['branch', '--list']);
    const before = await branches();
    const wtRoot = join(ws.dir, '.ferry', 'worktrees');
    const had = existsSync(wtRoot) ? readdirSync(wtRoot).length : 0;
    const unpinned = await redeploy({
      versions: 'omniintelligence=0.9.5,ghost=1.0.0',
      runId: 'redeploy-20260303-eeeeee',
    })
      .then(() => null)
      .catch((e: unknown) => e as FerryError);
    expect(unpinned?.code).toBe('PIN_UNMATCHED');
    expect(unpinned?.exitCode).toBe(2);
    expect(unpinned?.message).toContain('no pin for ghost in docker/Dockerfile.runtime');
    expect(unpinned?.fix).toContain('--allow-unmatched');
    const down = await redeploy({ versions: 'omniintelligence=0.1.0', runId: 'redeploy-20260303-ffffff' })
      .then(() => null)
      .catch((e: unknown) => e as FerryError);
    expect(down?.code).toBe('PIN_CONFLICT');
    expect(down?.exitCode).toBe(2);
    expect(down?.message).toMatch(/docker\/Dockerfile\.runtime:\d+: omniintelligence .* would go down to 0\.1\.0/);
    expect(down?.fix).toBe('ferry redeploy --versions "omniintelligence=0.1.0" --allow-downgrade');
    expect(await branches()).toBe(before);
    expect(existsSync(wtRoot) ? readdirSync(wtRoot).length : 0).toBe(had);
    for (const id of ['redeploy-20260303-eeeeee', 'redeploy-20260303-ffffff'])
      expect(existsSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${id}.json`))).toBe(false);
  });

  it('NOTIFY posts to Slack when configured (through the real wiring)', async () => {
    const slack = await startSlackServer({ token: 'xoxb-test-token-1', channels: ['C0REDEPLOY'] });
    try {
      ws.writeConfig({ notify: 'slack' }, { notify: { slack: { api_url: slack.url } } });
      setEnv({ ...BASE_ENV, SLACK_BOT_TOKEN: 'xoxb-test-token-1', SLACK_CHANNEL_ID: 'C0REDEPLOY' });
      const loaded = loadConfig(ws.configPath, { env: { PATH: process.env.PATH ?? '' } });
      const printed: string[] = [];
      const out = await runRedeploy(
        { versions: V1S, skipSync: true },
        loaded,
        { stateDir: join(ws.dir, '.ferry'), dryRun: false, verbose: false },
        redeployDeps(loaded.config, (l) => printed.push(l)),
        { backoffMs: 100 },
      );
      expect(out.result).toMatchObject({ status: 'success', phases: { NOTIFY: 'completed' } });
      const posted = slack.posted('C0REDEPLOY');
      expect(posted).toHaveLength(1);
      expect(posted[0]!.text).toBe(
        `[redeploy] ${out.result.run_id} complete\nPins: omniintelligence==0.8.0, omninode-claude==0.4.0, omninode-memory==0.6.1\nPhases: all completed`,
      );
      expect(printed).toEqual([]);
    } finally {
      await slack.close();
      setEnv(BASE_ENV);
      ws.writeConfig();
    }
  });
});
