// `ferry deploy` through the built CLI (dist/) as a child process: no TTY, CI set — the way an
// agent or a pipeline runs it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBusyboxImage, cleanupSuite, uniqueName } from '../fixtures/docker-images.js';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { git, makeDeployProject, type DeployProject } from './deploy-project.js';

const docker = new Docker();
const suite = uniqueName('deploy-cli');
const image = `ferry-test-${suite}:latest`;
let imageId = '';
let p: DeployProject;

beforeAll(async () => {
  imageId = await buildBusyboxImage(docker, image, suite);
  p = await makeDeployProject({ docker, suite, image });
  p.writeFerryYaml();
  await p.writeBaseline(imageId);
});
afterAll(async () => {
  await cleanupSuite(docker, suite, [image]);
  p?.cleanup();
});

describe('ferry deploy (CLI)', () => {
  it('nothing changed: status only, exit 0, --json result as the last line', async () => {
    const r = await ferry(['deploy', '--json'], { cwd: p.repo });
    expect(r.exitCode).toBe(0);
    const result = jsonLines(r.stdout).at(-1)!;
    expect(validateAgainst('deploy-result', result)).toEqual([]);
    expect(result).toMatchObject({ skill: 'deploy', status: 'success', action: 'status', scenario: 'nothing_changed' });
  });

  it('a pushed config commit without --yes: exit 1, the reasons with the commit subject, "re-run with --yes", nothing changed', async () => {
    await p.pushConfig('commands/analyze-logs.md', '# analyze logs\n', 'Add /analyze-logs command');
    const state = readFileSync(p.stateFile, 'utf8');
    const container = (await docker.getContainer(p.container).inspect()).Image;
    const results = readdirSync(join(p.repo, '.ferry', 'results')).length;
    const r = await ferry(['deploy'], { cwd: p.repo });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('Add /analyze-logs command');
    expect(r.stdout).toContain('Re-run with --yes to proceed.');
    // stderr: the one-line error and the command that proceeds, like every other ferry error.
    expect(r.stderr).toContain(
      'error[CONFIRMATION_REQUIRED]: Rebuild image + recreate services needs confirmation and this is not an interactive terminal; nothing was changed.\n  fix: ferry deploy --yes',
    );
    expect(readFileSync(p.stateFile, 'utf8')).toBe(state);
    expect((await docker.getContainer(p.container).inspect()).Image).toBe(container);
    expect(readdirSync(join(p.repo, '.ferry', 'results'))).toHaveLength(results);

    const j = await ferry(['deploy', '--json'], { cwd: p.repo });
    expect(j.exitCode).toBe(1);
    const result = jsonLines(j.stdout).at(-1)!;
    expect(validateAgainst('deploy-result', result)).toEqual([]);
    expect(result).toMatchObject({
      status: 'confirmation_required',
      action: 'rebuild',
      error: { code: 'CONFIRMATION_REQUIRED', fix: 'ferry deploy --yes' },
    });
  });

  it('--dry-run shows the plan and exits 0; --yes then rebuilds and records the new image', async () => {
    const dry = await ferry(['deploy', '--dry-run'], { cwd: p.repo });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('Decision: Rebuild image');
    expect(dry.stdout).toContain('Dry run: nothing was changed.');

    const r = await ferry(['deploy', '--yes'], { cwd: p.repo });
    expect(r.stderr + r.stdout).not.toContain('error[');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('✅ Deployment Successful');
    const state = JSON.parse(readFileSync(p.stateFile, 'utf8')) as { docker_image_digest: string };
    expect(state.docker_image_digest).not.toBe(imageId);
    expect((await docker.getContainer(p.container).inspect()).Image).toBe(state.docker_image_digest);
  });

  it('a first deploy that stops for confirmation leaves the repo as it was: no .ferry/, no .gitignore edit', async () => {
    const q = await makeDeployProject({ docker, suite, image, noContainer: true });
    try {
      q.writeFerryYaml();
      q.write('.gitignore', '.env\nimage/busybox\n');
      await git(q.repo, ['add', '-A']);
      await git(q.repo, ['commit', '-q', '-m', 'add ferry.yaml']);
      const status = await git(q.repo, ['status', '--porcelain', '--ignored']);
      const r = await ferry(['deploy'], { cwd: q.repo });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain('nothing was changed');
      expect(r.stdout).not.toContain('Added .ferry/');
      expect(existsSync(join(q.repo, '.ferry'))).toBe(false);
      expect(await git(q.repo, ['status', '--porcelain', '--ignored'])).toBe(status);
    } finally {
      q.cleanup();
    }
  });

  it('a failing command: stderr has one error line with the cause from its output; a missing program says so', async () => {
    const q = await makeDeployProject({
      docker,
      suite,
      image,
      noContainer: true,
      extraConfig: {
        runtime: undefined,
        actions: {
          redeploy: [
            { command: ['sh', '-c', 'echo syncing; echo "rsync: permission denied" >&2; exit 3'], title: 'Sync code' },
          ],
        },
      },
    });
    try {
      q.writeFerryYaml();
      await q.writeBaseline(imageId);
      q.write('agent/agent.py', 'def run():\n    return "v9"\n');
      const r = await ferry(['deploy'], { cwd: q.repo });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toContain('❌ Deployment Failed');
      expect(r.stderr).toContain(
        `error[DEPLOY_FAILED]: sh -c 'echo syncing; echo "rsync: permission denied" >&2; exit 3' exited 3: rsync: permission denied\n`,
      );

      q.configInput.actions = { redeploy: [{ command: ['ferry-no-such-tool', 'orb-deploy'] }] };
      q.writeFerryYaml();
      const m = await ferry(['deploy'], { cwd: q.repo });
      expect(m.exitCode).toBe(1);
      expect(m.stderr).toContain(
        `error[DEPLOY_FAILED]: ferry-no-such-tool: command not found (not on PATH, or not in ${q.repo}); ferry-no-such-tool orb-deploy could not start\n`,
      );
      expect(m.stderr).toContain(
        '  fix: install ferry-no-such-tool (check: command -v ferry-no-such-tool), or change the command in deploy.actions of ferry.yaml; then: ferry deploy',
      );
    } finally {
      q.cleanup();
    }
  });
  it('--action forces the action: rebuild with nothing changed still asks (exit 1, the fix repeats --action), --yes builds and recreates; restart restarts; a bad value is a usage error', async () => {
    const q = await makeDeployProject({ docker, suite, image });
    try {
      q.writeFerryYaml();
      await q.writeBaseline(imageId);
      const before = await docker.getContainer(q.container).inspect();

      const asked = await ferry(['deploy', '--action', 'rebuild', '--json'], { cwd: q.repo });
      expect(asked.exitCode).toBe(1);
      const refused = jsonLines(asked.stdout).at(-1)!;
      expect(validateAgainst('deploy-result', refused)).toEqual([]);
      expect(refused).toMatchObject({
        status: 'confirmation_required',
        action: 'rebuild',
        scenario: 'nothing_changed',
        forced: { flag: 'rebuild', analysed_action: 'status' },
        error: { code: 'CONFIRMATION_REQUIRED', fix: 'ferry deploy --action rebuild --yes' },
      });
      expect((refused.reasons as { summary: string }[])[0]!.summary).toBe(
        'Forced with --action rebuild (the analysis alone decided a status check only)',
      );
      expect((await docker.getContainer(q.container).inspect()).Image).toBe(before.Image);

      const built = await ferry(['deploy', '--action', 'rebuild', '--yes'], { cwd: q.repo });
      expect(built.stderr + built.stdout).not.toContain('error[');
      expect(built.exitCode).toBe(0);
      expect(built.stdout).toContain(
        'Decision: Rebuild image + recreate services (forced by --action rebuild; analysed scenario: nothing changed)',
      );
      expect(built.stdout).toContain('✅ Deployment Successful');
      const state = JSON.parse(readFileSync(q.stateFile, 'utf8')) as { docker_image_digest: string };
      const after = await docker.getContainer(q.container).inspect();
      expect(after.Id).not.toBe(before.Id); // recreated, not restarted
      expect(after.Image).toBe(state.docker_image_digest);

      // restart = the full restart: it asks too, and with --yes restarts the same container.
      const restarted = await ferry(['deploy', '--action', 'restart', '--yes', '--json'], { cwd: q.repo });
      expect(restarted.exitCode, restarted.stderr).toBe(0);
      expect(jsonLines(restarted.stdout).at(-1)).toMatchObject({
        status: 'success',
        action: 'full_restart',
        forced: { flag: 'restart', analysed_action: 'status' },
        actions_taken: [{ title: `Restart ${q.container}` }],
      });
      const again = await docker.getContainer(q.container).inspect();
      expect(again.Id).toBe(after.Id);
      expect(again.State.StartedAt).not.toBe(after.State.StartedAt);

      const bad = await ferry(['deploy', '--action', 'rebuld'], { cwd: q.repo });
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toContain('rebuld');
      expect(bad.stderr).toMatch(/redeploy, rebuild, restart, start, status/);
    } finally {
      q.cleanup();
    }
  });
});
