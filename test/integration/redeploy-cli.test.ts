// `ferry redeploy` through the built CLI (node bin/ferry.js): dry run, exit codes, and kill -9
// in the middle of DEPLOY followed by --resume. Needs `npm run build` first (npm test does it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ferry, ferrySpawn } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { makeInfraWorkspace, type InfraWorkspace } from '../fixtures/infra-repo.js';
import { containersNamed } from '../fixtures/docker-images.js';

const V = 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1';
let ws: InfraWorkspace;

beforeAll(async () => {
  ws = await makeInfraWorkspace();
});
afterAll(async () => {
  await ws?.cleanup();
});

async function ids(): Promise<string[]> {
  return Promise.all(ws.services.map(async (s) => (await ws.docker.getContainer(s.container).inspect()).Id));
}

describe('ferry redeploy CLI', () => {
  it('--dry-run prints the plan on stdout, exits 0, writes no state, touches no container', async () => {
    const before = await ids();
    const r = await ferry(['redeploy', '--versions', V, '--dry-run', '--run-id', 'redeploy-20260301-abc123'], {
      cwd: ws.dir,
    });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('[DRY RUN] redeploy run_id=redeploy-20260301-abc123');
    expect(lines.map((l) => l.slice(0, 14).trim().replace(/:.*/, ':'))).toEqual(
      expect.arrayContaining([
        'SYNC:',
        'ENV_CHECK:',
        'WORKTREE:',
        'PIN_UPDATE:',
        'DEPLOY:',
        'INFISICAL:',
        'VERIFY:',
        'NOTIFY:',
      ]),
    );
    expect(existsSync(join(ws.dir, '.ferry', 'state'))).toBe(false);
    expect(existsSync(join(ws.dir, '.ferry', 'runs'))).toBe(false);
    expect(await ids()).toEqual(before);
  });

  it('--json --dry-run: every stdout line is JSON, the plan as log events, the dry_run result last', async () => {
    const r = await ferry(
      ['--json', 'redeploy', '--versions', V, '--dry-run', '--run-id', 'redeploy-20260301-json01'],
      { cwd: ws.dir },
    );
    expect(r.exitCode).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const messages = lines.filter((l) => l.type === 'log').map((l) => l.message as string);
    expect(messages[0]).toBe('[DRY RUN] redeploy run_id=redeploy-20260301-json01');
    expect(messages.map((m) => /^ {2}([A-Z_]+):/.exec(m)?.[1]).filter(Boolean)).toEqual([
      'SYNC',
      'ENV_CHECK',
      'WORKTREE',
      'PIN_UPDATE',
      'DEPLOY',
      'INFISICAL',
      'VERIFY',
      'NOTIFY',
    ]);
    expect(lines.filter((l) => l.type === 'log').every((l) => l.run_id === 'redeploy-20260301-json01')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ skill: 'redeploy', status: 'dry_run', run_id: 'redeploy-20260301-json01' });
    expect(existsSync(join(ws.dir, '.ferry', 'state'))).toBe(false);
  });

  it('--help teaches the phases, where state and result go, resume, and --allow-unmatched', async () => {
    const r = await ferry(['redeploy', '--help'], { cwd: ws.dir });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Phases, in order: SYNC');
    expect(r.stdout).toContain('.ferry/state/redeploy/<run_id>.json');
    expect(r.stdout).toContain('.ferry/results/<run_id>/redeploy.json');
    expect(r.stdout).toContain('--allow-unmatched');
    expect(r.stdout).toContain('ferry redeploy --resume redeploy-20260301-abc123 --allow-unmatched');
  });

  it('bad --versions is a usage error (exit 2) and changes nothing', async () => {
    const r = await ferry(['redeploy', '--versions', 'omniintelligence=0.8.0; rm -rf /'], { cwd: ws.dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[USAGE]');
    expect(existsSync(join(ws.dir, '.ferry', 'state'))).toBe(false);
  });

  it('a failed phase exits 1 with `ERROR in {phase}` and the exact resume command on stderr', async () => {
    const { writeFileSync } = await import('node:fs');
    const env = readFileSync(ws.envFile, 'utf8');
    writeFileSync(ws.envFile, 'POSTGRES_PASSWORD=pg-secret-123\n');
    try {
      const r = await ferry(['redeploy', '--versions', V, '--skip-sync', '--run-id', 'redeploy-20260301-env001'], {
        cwd: ws.dir,
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(
        'ERROR in ENV_CHECK: KAFKA_BOOTSTRAP_SERVERS not set. Source .omnibase.env before deploying.\n',
      );
      expect(r.stderr).toContain(
        `Resume with: ferry redeploy --resume redeploy-20260301-env001 --versions "${V}" --skip-sync\n`,
      );
      expect(r.stderr + r.stdout).not.toContain('pg-secret-123');
    } finally {
      writeFileSync(ws.envFile, env);
    }
  });

  it('kill -9 in the middle of DEPLOY, then --resume → exactly one container per service, on the new image', async () => {
    const runId = 'redeploy-20260301-k1ll09';
    const second = ws.services[1]!.container;
    // Watch the engine's own events: kill the moment the replacement of the 2nd service is created.
    const events = (await ws.docker.getEvents({
      filters: JSON.stringify({ type: ['container'], event: ['create'] }),
    })) as Readable;
    const child = ferrySpawn(['redeploy', '--versions', V, '--skip-sync', '--run-id', runId], { cwd: ws.dir });
    let killedMidDeploy = false;
    await new Promise<void>((resolve) => {
      events.on('data', (buf: Buffer) => {
        if (buf.toString().includes(`${second}-ferry-next`) && !killedMidDeploy) {
          killedMidDeploy = true;
          child.kill('SIGKILL');
          resolve();
        }
      });
      void child.then(() => resolve());
    });
    events.destroy();
    const first = await child;
    expect(killedMidDeploy).toBe(true);
    expect(first.signal).toBe('SIGKILL');
    const state = JSON.parse(readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${runId}.json`), 'utf8'));
    expect(state.steps.DEPLOY.status).toBe('running');

    const r = await ferry(['redeploy', '--resume', runId, '--versions', V], { cwd: ws.dir });
    expect(r.stderr + r.stdout).not.toContain('ERROR in');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`Resuming ${runId}: skipping completed phases [ENV_CHECK, WORKTREE, PIN_UPDATE]`);
    const done = JSON.parse(readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${runId}.json`), 'utf8'));
    expect(done.data.phases.DEPLOY.status).toBe('completed');
    expect(done.steps.DEPLOY.attempts).toBe(2);
    const image = done.data.image_id as string;
    for (const s of ws.services) {
      const named = await containersNamed(ws.docker, s.container);
      expect(named.map((c) => c.Names[0])).toEqual([`/${s.container}`]);
      const c = await ws.docker.getContainer(s.container).inspect();
      expect([c.Image, c.State.Running]).toEqual([image, true]);
    }
    const result = JSON.parse(readFileSync(join(ws.dir, '.ferry', 'results', runId, 'redeploy.json'), 'utf8'));
    expect(result).toMatchObject({
      skill: 'redeploy',
      status: 'success',
      run_id: runId,
      phases: { DEPLOY: 'completed', VERIFY: 'completed' },
    });
    expect(validateAgainst('redeploy-result', result)).toEqual([]);
    expect(
      validateAgainst(
        'state',
        JSON.parse(readFileSync(join(ws.dir, '.ferry', 'state', 'redeploy', `${runId}.json`), 'utf8')),
      ),
    ).toEqual([]);
  });
});
