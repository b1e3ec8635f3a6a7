import { describe, expect, it } from 'vitest';
import { codeDelivery } from '../src/deploy/code-delivery.js';
import { planDeploy } from '../src/deploy/plan.js';
import { troubleshooting } from '../src/deploy/troubleshoot.js';
import type { Decision, ServiceStatus } from '../src/deploy/types.js';

const rt = { image: 'app:latest', contextDir: '.', dockerfile: 'Dockerfile', containers: ['web-1', 'worker-1'] };
const services: ServiceStatus[] = [
  {
    name: 'web',
    container: 'web-1',
    exists: true,
    running: true,
    status: 'running',
    imageId: 'sha256:1',
    image: 'app:latest',
  },
  {
    name: 'worker',
    container: 'worker-1',
    exists: true,
    running: false,
    status: 'exited',
    imageId: 'sha256:1',
    image: 'app:latest',
  },
];
const decision = (
  action: Decision['action'],
  scenarios: Decision['scenarios'],
  needsConfirmation = false,
): Decision => ({
  action,
  scenario: scenarios[0]!,
  scenarios,
  reasons: [],
  needsConfirmation,
  warnings: [],
});

describe('planDeploy', () => {
  it('rebuild defaults to build + recreate with the runtime', () => {
    const p = planDeploy({
      decision: decision('rebuild', ['remote_config_changed'], true),
      actions: {},
      runtime: rt,
      services,
    });
    expect(p).toEqual({
      action: 'rebuild',
      title: 'Rebuild image + recreate services',
      missing: null,
      needsConfirmation: true,
      deploys: true,
      builds: true,
      codeDelivery: null,
      steps: [
        {
          kind: 'builtin',
          op: 'build',
          containers: [],
          image: 'app:latest',
          confirm: false,
          title: 'Build image app:latest',
          text: 'docker build -f Dockerfile -t app:latest .',
        },
        {
          kind: 'builtin',
          op: 'recreate',
          containers: ['web-1', 'worker-1'],
          image: 'app:latest',
          confirm: false,
          title: 'Recreate web-1, worker-1 from app:latest',
          text: 'recreate containers web-1, worker-1 from app:latest (same name, ports, env, volumes)',
        },
      ],
    });
  });

  it('the build command line is runnable from the project root: -f is relative to it, odd paths are quoted', () => {
    const p = planDeploy({
      decision: decision('rebuild', ['local_config_changed'], true),
      actions: {},
      runtime: { ...rt, contextDir: 'docker/my app', dockerfile: 'Dockerfile.prod' },
      services,
    });
    expect(p.steps[0]!.text).toBe("docker build -f 'docker/my app/Dockerfile.prod' -t app:latest 'docker/my app'");
  });

  it('troubleshooting commands can be pasted into a shell when the project path has a space', () => {
    const plan = planDeploy({
      decision: decision('redeploy', ['code_changed']),
      actions: { redeploy: [{ command: ['just', 'orb-deploy'] }] },
      runtime: null,
      services: [],
    });
    const t = troubleshooting({
      code: 'DEPLOY_FAILED',
      phase: 'ACTION-1',
      fix: null,
      plan,
      containers: [],
      checks: [],
      statusCommands: [],
      runLog: null,
      completed: [],
      stateBefore: null,
      stateAfter: null,
      stateFile: '/srv/my app/.ferry/last-deploy.json',
      cwd: '/srv/my app',
    });
    expect(t.troubleshooting[0]).toBe(
      "Run the failed command by hand to see its full output: cd '/srv/my app' && just orb-deploy",
    );
    expect(t.manualRecovery.at(-1)).toContain('re-run `ferry deploy`');
  });

  it('start targets only containers that are down', () => {
    const p = planDeploy({ decision: decision('start', ['services_down']), actions: {}, runtime: rt, services });
    expect(p.steps).toEqual([
      {
        kind: 'builtin',
        op: 'start',
        containers: ['worker-1'],
        image: null,
        confirm: false,
        title: 'Start worker-1',
        text: 'docker start worker-1',
      },
    ]);
    expect(p).toMatchObject({ deploys: false, builds: false, needsConfirmation: false });
  });

  it('configured commands become argv steps, and redeploy starts down services first', () => {
    const p = planDeploy({
      decision: decision('redeploy', ['code_changed', 'services_down']),
      actions: {
        redeploy: [{ command: ['just', 'orb-deploy'], title: 'Sync code to VM + deploy to Ray' }],
        start: [{ command: ['just', 'orb-start'] }],
      },
      runtime: null,
      services: [],
    });
    expect(p.steps).toEqual([
      { kind: 'command', argv: ['just', 'orb-start'], title: 'just orb-start', text: 'just orb-start', confirm: false },
      {
        kind: 'command',
        argv: ['just', 'orb-deploy'],
        title: 'Sync code to VM + deploy to Ray',
        text: 'just orb-deploy',
        confirm: false,
      },
    ]);
    expect(p).toMatchObject({ deploys: true, needsConfirmation: false });
  });

  it('a command marked confirm makes a safe action ask', () => {
    const p = planDeploy({
      decision: decision('start', ['services_down']),
      actions: { start: [{ command: ['just', 'orb-up'], confirm: true }] },
      runtime: null,
      services: [],
    });
    expect(p.needsConfirmation).toBe(true);
  });

  it('status runs configured read-only commands, or nothing', () => {
    expect(
      planDeploy({ decision: decision('status', ['nothing_changed']), actions: {}, runtime: null, services: [] }).steps,
    ).toEqual([]);
    const p = planDeploy({
      decision: decision('status', ['nothing_changed']),
      actions: { status: [{ command: ['just', 'orb-status'] }] },
      runtime: null,
      services: [],
    });
    expect(p.steps.map((s) => s.text)).toEqual(['just orb-status']);
    expect(p).toMatchObject({ deploys: false, builds: false });
  });

  it('quotes arguments for display only', () => {
    const p = planDeploy({
      decision: decision('redeploy', ['code_changed']),
      actions: { redeploy: [{ command: ['sh', '-c', 'echo hi there'] }] },
      runtime: null,
      services: [],
    });
    expect(p.steps[0]).toMatchObject({ argv: ['sh', '-c', 'echo hi there'], text: "sh -c 'echo hi there'" });
  });

  it('an action that is not configured is data (missing), not an exception, so the analysis can be shown first', () => {
    const p = planDeploy({
      decision: decision('redeploy', ['code_changed']),
      actions: {},
      runtime: null,
      services: [],
    });
    expect(p.steps).toEqual([]);
    expect(p.missing).toMatchObject({ key: 'redeploy', builtin: null });
    expect(p.missing!.message).toContain('deploy.actions.redeploy');
    expect(p.missing!.howTo.join('\n')).toContain('      redeploy:\n        - { command: [');
    expect(p.title).toBe('Redeploy, not configured: deploy.actions.redeploy is missing');
    // A missing start is reported too when a redeploy must start services first.
    const q = planDeploy({
      decision: decision('redeploy', ['code_changed', 'services_down']),
      actions: { redeploy: [{ command: ['x'] }] },
      runtime: null,
      services: [],
    });
    expect(q.missing).toMatchObject({ key: 'start' });
  });

  it('a built-in without a runtime is reported as missing, naming the key and the built-in', () => {
    const p = planDeploy({
      decision: decision('rebuild', ['local_config_changed']),
      actions: { rebuild: [{ builtin: 'build' }] },
      runtime: null,
      services: [],
    });
    expect(p.missing).toMatchObject({ key: 'rebuild', builtin: 'build' });
    expect(p.missing!.message).toMatch(/deploy.actions.rebuild uses the built-in 'build'/);
  });

  it('the title says what will actually run, not the decision kind (QA: "Rebuild image + redeploy + restart" for one build command)', () => {
    const title = (
      action: Decision['action'],
      actions: Parameters<typeof planDeploy>[0]['actions'],
      runtime: typeof rt | null = null,
      scenarios: Decision['scenarios'] = ['code_changed'],
    ) => planDeploy({ decision: decision(action, scenarios), actions, runtime, services }).title;
    expect(title('rebuild', { rebuild: [{ command: ['just', 'docker-build'] }] })).toBe('just docker-build');
    expect(
      title('rebuild', {
        rebuild: [
          { command: ['just', 'docker-build'], title: 'Build image' },
          { command: ['just', 'orb-deploy'], title: 'Sync code + deploy to Ray' },
        ],
      }),
    ).toBe('Build image + Sync code + deploy to Ray');
    expect(title('rebuild', {}, rt)).toBe('Rebuild image + recreate services');
    expect(title('redeploy', {}, rt)).toBe('Restart services');
    expect(title('redeploy', {}, rt, ['code_changed', 'services_down'])).toBe('Start services + restart services');
    expect(title('full_restart', { restart: [] })).toBe('Full restart: nothing configured to run');
    expect(title('status', {})).toBe('Status check only');
    expect(title('status', { status: [{ command: ['just', 'orb-status'], title: 'Ray cluster status' }] })).toBe(
      'Status check only (Ray cluster status)',
    );
  });
});

describe('examples/seed-deploy/ferry.yaml', () => {
  it('parses and reproduces the seed justfile setup', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const { configSchema } = await import('../src/config/schema.js');
    const { classifyPath } = await import('../src/deploy/classify.js');
    const cfg = configSchema.parse(
      parse(readFileSync(new URL('../examples/seed-deploy/ferry.yaml', import.meta.url), 'utf8')),
    );
    const d = cfg.deploy!;
    expect(d.config_repos.map((r) => r.name)).toEqual(['cc-master-agent-config', 'cc-example-agent-config']);
    expect(d.checks).toEqual({ ray_dashboard: 'http://localhost:8265', admin_panel: 'http://localhost:3370' });
    expect(classifyPath('claude_hitl_template/agents/agent.py', d.paths)).toBe('code');
    expect(classifyPath('.claude/commands/analyze-logs.md', d.paths)).toBe('config');
    expect(classifyPath('.env', d.paths)).toBe('env');
    expect(classifyPath('.ferry/last-deploy.json', d.paths)).toBe('ignore');
    const argv = (action: Decision['action'], scenarios: Decision['scenarios']) =>
      planDeploy({ decision: decision(action, scenarios), actions: d.actions, runtime: null, services: [] }).steps.map(
        (s) => (s.kind === 'command' ? s.argv.join(' ') : s.op),
      );
    expect(argv('rebuild', ['remote_config_changed'])).toEqual([
      'just docker-build',
      'just orb-deploy',
      'just local-stop-services',
      'just local-services',
    ]);
    expect(argv('redeploy', ['code_changed'])).toEqual(['just orb-deploy']);
    expect(argv('redeploy', ['code_changed', 'services_down'])).toEqual(['just orb-up', 'just orb-deploy']);
    expect(argv('full_restart', ['env_changed'])).toEqual(['just orb-down', 'just orb-up']);
    expect(argv('start', ['services_down'])).toEqual(['just orb-up']);
    expect(argv('status', ['nothing_changed'])).toEqual(['just orb-status']);
  });
});

describe('code delivery (mounted vs baked)', () => {
  const code = [
    { path: 'agent/agent.py', class: 'code' as const, change: 'modified' as const, source: 'worktree' as const },
  ];
  const withBinds = (binds: ServiceStatus['binds'][]): ServiceStatus[] =>
    services.map((s, i) => ({ ...s, binds: binds[i] }));

  it('every service mounts the code (any ancestor dir, under the repo as given or resolved) → mounted', () => {
    const d = codeDelivery(
      ['/link/repo', '/real/repo'],
      code,
      withBinds([
        [{ source: '/real/repo/agent', destination: '/app/agent' }],
        [{ source: '/link/repo', destination: '/src' }],
      ]),
    );
    expect(d).toMatchObject({ mode: 'mounted', mounted: ['web-1', 'worker-1'], baked: [] });
    expect(d!.why).toBe(
      'code is mounted into the services (web-1: /real/repo/agent → /app/agent), so a restart picks the change up',
    );
  });

  it('one service without the mount (or a sibling dir that only shares a prefix) → baked, naming it', () => {
    const d = codeDelivery(
      ['/repo'],
      code,
      withBinds([
        [{ source: '/repo/agent', destination: '/app/agent' }],
        [{ source: '/repo/agent-data', destination: '/data' }],
      ]),
    );
    expect(d).toMatchObject({ mode: 'baked', mounted: ['web-1'], baked: ['worker-1'] });
    expect(d!.why).toContain('agent/agent.py is not under any bind mount of container worker-1');
  });

  it('no changed code, or no mount information from the runtime → null (plan as configured)', () => {
    expect(codeDelivery(['/repo'], [], withBinds([[], []]))).toBeNull();
    expect(codeDelivery(['/repo'], code, services)).toBeNull();
  });

  it('planDeploy: baked code turns the built-in restart into build + recreate; commands are left alone', () => {
    const baked = codeDelivery(['/repo'], code, withBinds([[], []]));
    const p = planDeploy({
      decision: decision('redeploy', ['code_changed']),
      actions: {},
      runtime: rt,
      services,
      codeDelivery: baked,
    });
    expect(p.steps.map((s) => (s.kind === 'builtin' ? s.op : s.kind))).toEqual(['build', 'recreate']);
    expect(p).toMatchObject({ builds: true, deploys: true, needsConfirmation: false, codeDelivery: { mode: 'baked' } });
    const own = planDeploy({
      decision: decision('redeploy', ['code_changed']),
      actions: { redeploy: [{ command: ['just', 'orb-deploy'] }] },
      runtime: rt,
      services,
      codeDelivery: baked,
    });
    expect(own.steps.map((s) => s.text)).toEqual(['just orb-deploy']);
    expect(own.codeDelivery).toBeNull();
  });
});
