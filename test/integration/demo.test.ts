// The README's demo command: the whole release of the 6-package ecosystem, as a new user runs it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { execa } from 'execa';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';

describe('ferry demo', () => {
  it('releases, redeploys into staging, stages and promotes in under 120 s, and ends with the summary', async () => {
    const started = Date.now();
    // Room to finish on a loaded machine: the time budget is asserted below, after the content.
    const r = await ferry(['demo'], { timeoutMs: 330_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('plan_hash: sha256:');
    expect(r.stdout).toMatch(/omniclaude\s+\|\s+0\.3\.0 → 0\.4\.0\s+\|/);
    expect(r.stdout).toContain(
      'verified outside ferry: 6 release commits on remote main, 6 tags, 12 files on the index',
    );
    expect(r.stderr).toContain('gate approved');
    expect(r.stdout).toContain('staging_status: SUCCESS');
    expect(r.stdout).toContain('deploy_status SUCCESS (exit 0)');
    expect(r.stdout).toMatch(
      /verified outside ferry \(docker inspect \S+\): production runs (sha256:\w+), the image staging checked \(\1\) ✓/,
    );
    expect(r.stdout).toContain('released:   omnibase_core 1.5.0, omniintelligence 0.9.1, omniclaude 0.4.0');
    // Without --keep nothing is left behind, including the containers redeploy and promote recreated.
    const suite = /staging container (ferry-demo-[0-9a-f]+)-staging/.exec(r.stdout)![1]!;
    const left = await execa('docker', ['ps', '-a', '--filter', `name=${suite}-`, '--format', '{{.Names}}']);
    expect(left.stdout.trim()).toBe('');
    expect(seconds).toBeLessThan(120);
  }, 360_000);

  // This test checks the output's shape, not speed (the test above holds the time budget): the demo is
  // CPU-bound (six python builds and twine uploads), so on a shared, loaded machine it gets room.
  it('--json --keep: every stdout line is JSON, the last the demo result; the kept directory holds the run history', async () => {
    const r = await ferry(['--json', 'demo', '--keep'], { timeoutMs: 330_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    const demo = lines.at(-1) as {
      skill: string;
      status: string;
      run_id: string;
      verified: unknown;
      kept: string;
      deploy: {
        staged_image: string;
        run_ids: { stage: string; redeploy: string };
        containers: { production: string; staging: string };
        cleanup: string[];
      };
    };
    try {
      expect(validateAgainst('demo-result', demo)).toEqual([]);
      expect(demo).toMatchObject({
        skill: 'demo',
        status: 'SUCCESS',
        verified: { release_commits: 6, tags: 6, index_files: 12 },
      });
      const workspace = join(demo.kept, 'workspace');
      // From outside: production runs the image the staging check passed (the stage result, and docker inspect).
      const stage = JSON.parse(
        readFileSync(join(workspace, '.ferry', 'results', demo.deploy.run_ids.stage, 'stage.json'), 'utf8'),
      ) as { status: string; image_id: string };
      expect(stage.status).toBe('SUCCESS');
      const prod = await execa('docker', ['inspect', '--format', '{{.Image}}', demo.deploy.containers.production]);
      expect(prod.stdout.trim()).toBe(stage.image_id);
      expect(demo.deploy.staged_image).toBe(stage.image_id);
      const redeploy = lines.find((l) => l.skill === 'redeploy' && l.run_id === demo.deploy.run_ids.redeploy)!;
      expect(validateAgainst('redeploy-result', redeploy)).toEqual([]);
      for (const skill of ['stage', 'promote'] as const)
        expect(
          validateAgainst(
            `${skill}-result`,
            lines.find((l) => l.skill === skill),
          ),
        ).toEqual([]);
      expect(redeploy).toMatchObject({
        status: 'success',
        pins_applied: { omniclaude: { from: '>=0.3.0,<1.0.0', to: '0.4.0' } },
      });
      expect((redeploy.images as Record<string, string>).runtime).toBe(stage.image_id);
      // The dry run's and the release's own NDJSON come first, then redeploy, stage and promote.
      const release = lines.find((l) => l.skill === 'release' && l.status === 'SUCCESS')!;
      expect(release).toMatchObject({ skill: 'release', status: 'SUCCESS', run_id: demo.run_id });
      expect(validateAgainst('release-result', release)).toEqual([]);
      expect(lines.some((l) => l.skill === 'release' && l.status === 'DRY_RUN')).toBe(true);
      expect(existsSync(join(workspace, '.ferry', 'state', 'release', 'archive', `${demo.run_id}.json`))).toBe(true);
      const list = await ferry(['--json', 'runs', 'list'], { cwd: workspace });
      expect(validateAgainst('runs-list', jsonLines(list.stdout).at(-1))).toEqual([]);
      expect(
        (jsonLines(list.stdout).at(-1)!.runs as { run_id: string; status: string }[]).map((x) => [x.run_id, x.status]),
      ).toEqual(expect.arrayContaining([[demo.run_id, 'completed']]));
    } finally {
      for (const cmd of demo?.deploy?.cleanup ?? []) await execa('sh', ['-c', cmd], { reject: false });
      if (demo?.kept) rmSync(demo.kept, { recursive: true, force: true });
    }
  }, 360_000);

  it('without Docker: says so, runs the release half only (exit 0) and closes with what was released', async () => {
    // An engine address where nothing listens: what a laptop without Docker running looks like to ferry.
    const r = await ferry(['demo'], {
      env: { DOCKER_HOST: `unix://${join(tmpdir(), `ferry-no-docker-${process.pid}.sock`)}` },
      timeoutMs: 330_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'verified outside ferry: 6 release commits on remote main, 6 tags, 12 files on the index',
    );
    expect(r.stdout).toMatch(/Docker is not available \(Docker engine unreachable[^\n]*\)\./);
    expect(r.stdout).toContain('The demo ran the release half only');
    expect(r.stdout).toContain('run `npm run demo` again');
    expect(r.stdout).toMatch(/ferry demo: done \(release half\) in [\d.]+ s\./);
    expect(r.stdout).toContain(
      'released:   omnibase_spi 1.2.1, omnibase_core 1.5.0, omnibase_infra 2.1.0, omniintelligence 0.9.1, omnimemory 0.3.1, omniclaude 0.4.0',
    );
    expect(r.stdout).not.toContain('$ ferry redeploy');
    expect(r.stdout).not.toContain('staging_status');
  }, 360_000);
});
