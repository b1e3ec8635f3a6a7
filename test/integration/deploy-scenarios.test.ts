// Acceptance 1: each of the seed's six scenarios from its real cause (real git, real Docker),
// asserting the chosen action and its reasons.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { analyseDeploy } from '../../src/deploy/run-deploy.js';
import { buildBusyboxImage, cleanupSuite, uniqueName } from '../fixtures/docker-images.js';
import { git, makeDeployProject, type DeployProject } from './deploy-project.js';

const docker = new Docker();
const runtime = new DockerRuntime();
const suite = uniqueName('deploy-scn');
const image = `ferry-test-${suite}:latest`;
let imageId = '';
const projects: DeployProject[] = [];

beforeAll(async () => {
  imageId = await buildBusyboxImage(docker, image, suite);
});
afterAll(async () => {
  await cleanupSuite(docker, suite, [image]);
  for (const p of projects) p.cleanup();
});

async function project(): Promise<DeployProject> {
  const p = await makeDeployProject({ docker, suite, image });
  projects.push(p);
  await p.writeBaseline(imageId);
  return p;
}

const analyse = (p: DeployProject) => analyseDeploy({ config: p.config, configDir: p.repo, engine: p.engine, runtime });

describe('ferry deploy: the six scenarios from real causes', () => {
  it('5. nothing changed → status only', async () => {
    const p = await project();
    const { decision, plan, analysis } = await analyse(p);
    expect(decision.scenarios).toEqual(['nothing_changed']);
    expect(decision.action).toBe('status');
    expect(decision.reasons[0]!.summary).toMatch(
      /^Nothing changed since the last deploy \(2026-01-01T00:00:00.000Z, code [0-9a-f]{7}\)$/,
    );
    expect(plan.steps).toEqual([]);
    expect(analysis.system.checks).toEqual([
      { name: 'web health', url: `http://127.0.0.1:${p.port}/health`, service: 'web', status: 200, ok: true },
    ]);
    expect(analysis.system.digestWarnings).toEqual([]);
  });

  it('3. a code file edited → redeploy (auto-approved), naming the file', async () => {
    const p = await project();
    p.write('agent/agent.py', 'def run():\n    return "v2"\n');
    const { decision, plan } = await analyse(p);
    expect(decision).toMatchObject({
      action: 'redeploy',
      scenario: 'code_changed',
      scenarios: ['code_changed'],
      needsConfirmation: false,
    });
    expect(decision.reasons).toEqual([
      {
        scenario: 'code_changed',
        summary: 'Code changed: agent/agent.py',
        details: ['agent/agent.py (modified, uncommitted)'],
      },
    ]);
    // The project's container runs its image without mounting the code: a restart would keep the old
    // code, so the redeploy rebuilds and recreates (test/integration/deploy-code-delivery.test.ts).
    expect(plan.codeDelivery).toMatchObject({ mode: 'baked', baked: [p.container] });
    expect(plan.steps.map((s) => (s.kind === 'builtin' ? s.op : s.kind))).toEqual(['build', 'recreate']);
  });

  it('3b. a committed code change since the last deployed commit → redeploy', async () => {
    const p = await project();
    p.write('agent/tools.py', 'X = 1\n');
    await git(p.repo, ['add', '-A']);
    await git(p.repo, ['commit', '-q', '-m', 'add tools']);
    const { decision } = await analyse(p);
    expect(decision.action).toBe('redeploy');
    expect(decision.reasons[0]!.details).toEqual(['agent/tools.py (modified, committed since last deploy)']);
  });

  it('2. a config-dir file edited → rebuild (asks), naming the file', async () => {
    const p = await project();
    p.write('.claude/settings.json', '{"permissions": ["Bash"]}\n');
    const { decision, plan } = await analyse(p);
    expect(decision).toMatchObject({ action: 'rebuild', scenario: 'local_config_changed', needsConfirmation: true });
    expect(decision.reasons).toEqual([
      {
        scenario: 'local_config_changed',
        summary: 'Local config changed: .claude/settings.json',
        details: ['.claude/settings.json (modified, uncommitted)'],
      },
    ]);
    expect(plan.steps.map((s) => s.kind === 'builtin' && s.op)).toEqual(['build', 'recreate']);
  });

  it('1. a commit pushed to the config repo → rebuild (asks), listing the commit subject', async () => {
    const p = await project();
    const before = await p.configHead();
    const after = await p.pushConfig('commands/analyze-logs.md', '# analyze logs\n', 'Add /analyze-logs command');
    const { decision, analysis } = await analyse(p);
    expect(decision).toMatchObject({ action: 'rebuild', scenario: 'remote_config_changed', needsConfirmation: true });
    expect(decision.reasons).toEqual([
      {
        scenario: 'remote_config_changed',
        summary: `Remote config changed: master-config ${before.slice(0, 7)} → ${after.slice(0, 7)}`,
        details: [`master-config: ${after.slice(0, 7)} Add /analyze-logs command`],
      },
    ]);
    expect(analysis.remote[0]).toMatchObject({ recorded: before, current: after, changed: true });
  });

  it('4. .env edited (git-ignored) → full restart (asks)', async () => {
    const p = await project();
    p.write('.env', 'MODE=two\n');
    const { decision, plan } = await analyse(p);
    expect(decision).toMatchObject({ action: 'full_restart', scenario: 'env_changed', needsConfirmation: true });
    expect(decision.reasons).toEqual([
      {
        scenario: 'env_changed',
        summary: 'Environment changed: .env',
        details: ['.env (changed, content differs from last deploy)'],
      },
    ]);
    expect(plan.needsConfirmation).toBe(true);
  });

  it('6. a service container stopped → start (auto-approved), naming the container and the failing check', async () => {
    const p = await project();
    await docker.getContainer(p.container).stop({ t: 1 });
    const { decision, plan } = await analyse(p);
    expect(decision).toMatchObject({ action: 'start', scenario: 'services_down', needsConfirmation: false });
    expect(decision.reasons[0]!.summary).toBe('Services down: web');
    expect(decision.reasons[0]!.details[0]).toBe(`service web (container ${p.container}) is not running: exited`);
    expect(decision.reasons[0]!.details[1]).toMatch(new RegExp(`^web health http://127.0.0.1:${p.port}/health: `));
    expect(plan.steps.map((s) => s.text)).toEqual([`docker start ${p.container}`]);
  });

  it('combination: code edit + pushed config commit → rebuild wins, both reasons kept', async () => {
    const p = await project();
    p.write('agent/agent.py', 'def run():\n    return "v3"\n');
    await p.pushConfig('skills/compose.md', '# compose\n', 'Add docker-compose skill');
    const { decision } = await analyse(p);
    expect(decision.action).toBe('rebuild');
    expect(decision.scenarios).toEqual(['remote_config_changed', 'code_changed']);
    expect(decision.reasons.flatMap((r) => r.details).join('\n')).toContain('Add docker-compose skill');
  });
});
