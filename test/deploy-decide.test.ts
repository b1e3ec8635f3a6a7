import { describe, expect, it } from 'vitest';
import { ACTION_ORDER, decide, forceAction } from '../src/deploy/decide.js';
import type {
  Analysis,
  ChangedFile,
  CheckResult,
  LastDeployState,
  RemoteRepoStatus,
  ServiceStatus,
} from '../src/deploy/types.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const LAST: LastDeployState = {
  timestamp: '2026-01-01T00:00:00.000Z',
  config_commits: { master: SHA_A },
  docker_image_tag: 'app:latest',
  docker_image_digest: 'sha256:' + '1'.repeat(64),
  build_timestamp: '2026-01-01T00:00:00.000Z',
  code_commit: 'c'.repeat(40),
  file_hashes: {},
};

const running: ServiceStatus = {
  name: 'web',
  container: 'web-1',
  exists: true,
  running: true,
  status: 'running',
  imageId: LAST.docker_image_digest,
  image: 'app:latest',
};
const healthy: CheckResult = { name: 'admin', url: 'http://localhost:3370', status: 200, ok: true };
const upToDate: RemoteRepoStatus = {
  name: 'master',
  url: 'file:///m.git',
  ref: 'HEAD',
  recorded: SHA_A,
  current: SHA_A,
  changed: false,
  commits: [],
};

function analysis(
  p: { files?: ChangedFile[]; remote?: RemoteRepoStatus[]; services?: ServiceStatus[]; checks?: CheckResult[] } = {},
): Analysis {
  return {
    local: { head: 'c'.repeat(40), base: 'c'.repeat(40), files: p.files ?? [], hashes: {}, warnings: [] },
    remote: p.remote ?? [upToDate],
    system: { services: p.services ?? [running], checks: p.checks ?? [healthy], digestWarnings: [] },
    lastDeploy: LAST,
  };
}
const file = (
  path: string,
  cls: ChangedFile['class'],
  change: ChangedFile['change'] = 'modified',
  source: ChangedFile['source'] = 'worktree',
): ChangedFile => ({ path, class: cls, change, source });
const pushed: RemoteRepoStatus = {
  ...upToDate,
  current: SHA_B,
  changed: true,
  commits: [
    { sha: SHA_B, short: 'bbbbbbb', subject: 'Add /analyze-logs command' },
    { sha: 'd'.repeat(40), short: 'ddddddd', subject: 'Update permission settings for Bash tool' },
  ],
};

describe('decide: the six scenarios', () => {
  it('1. remote config changed → rebuild, reasons list commit subjects', () => {
    const d = decide(analysis({ remote: [pushed] }));
    expect(d).toEqual({
      action: 'rebuild',
      scenario: 'remote_config_changed',
      scenarios: ['remote_config_changed'],
      reasons: [
        {
          scenario: 'remote_config_changed',
          summary: 'Remote config changed: master aaaaaaa → bbbbbbb',
          details: [
            'master: bbbbbbb Add /analyze-logs command',
            'master: ddddddd Update permission settings for Bash tool',
          ],
        },
      ],
      needsConfirmation: true,
      warnings: [],
    });
  });

  it('2. local config changed → rebuild with file names', () => {
    const d = decide(
      analysis({
        files: [file('.claude/settings.json', 'config'), file('Dockerfile', 'build', 'modified', 'committed')],
      }),
    );
    expect(d.action).toBe('rebuild');
    expect(d.scenario).toBe('local_config_changed');
    expect(d.needsConfirmation).toBe(true);
    expect(d.reasons).toEqual([
      {
        scenario: 'local_config_changed',
        summary: 'Local config changed: .claude/settings.json, Dockerfile',
        details: [
          '.claude/settings.json (modified, uncommitted)',
          'Dockerfile (modified, committed since last deploy)',
        ],
      },
    ]);
  });

  it('3. code changed → redeploy, auto-approved', () => {
    const d = decide(analysis({ files: [file('agent/agent.py', 'code')] }));
    expect(d).toMatchObject({ action: 'redeploy', scenario: 'code_changed', needsConfirmation: false });
    expect(d.reasons[0]).toEqual({
      scenario: 'code_changed',
      summary: 'Code changed: agent/agent.py',
      details: ['agent/agent.py (modified, uncommitted)'],
    });
  });

  it('4. env changed → full restart, needs confirmation', () => {
    const d = decide(analysis({ files: [file('.env', 'env', 'changed', 'file')] }));
    expect(d).toMatchObject({ action: 'full_restart', scenario: 'env_changed', needsConfirmation: true });
    expect(d.reasons[0]!.details).toEqual(['.env (changed, content differs from last deploy)']);
  });

  it('5. nothing changed → status only', () => {
    const d = decide(analysis());
    expect(d).toEqual({
      action: 'status',
      scenario: 'nothing_changed',
      scenarios: ['nothing_changed'],
      reasons: [
        {
          scenario: 'nothing_changed',
          summary: 'Nothing changed since the last deploy (2026-01-01T00:00:00.000Z, code ccccccc)',
          details: [],
        },
      ],
      needsConfirmation: false,
      warnings: [],
    });
  });

  it('6. services down → start, auto-approved, naming containers and failing checks', () => {
    const d = decide(
      analysis({
        services: [
          { ...running, running: false, status: 'exited' },
          {
            name: 'db',
            container: 'db-1',
            exists: false,
            running: false,
            status: 'missing',
            imageId: null,
            image: null,
          },
        ],
        checks: [
          { name: 'ray', url: 'http://localhost:8265', status: null, ok: false, error: 'connection refused' },
          { name: 'admin', url: 'http://localhost:3370', status: 503, ok: false },
        ],
      }),
    );
    expect(d).toMatchObject({ action: 'start', scenario: 'services_down', needsConfirmation: false });
    expect(d.reasons).toEqual([
      {
        scenario: 'services_down',
        summary: 'Services down: web, db, ray, admin',
        details: [
          'service web (container web-1) is not running: exited',
          'service db: container db-1 does not exist',
          'ray http://localhost:8265: connection refused',
          'admin http://localhost:3370: HTTP 503',
        ],
      },
    ]);
  });
});

describe('decide: combinations (strongest action wins)', () => {
  it('orders actions rebuild > full restart > redeploy > start > status', () => {
    expect(ACTION_ORDER).toEqual(['rebuild', 'full_restart', 'redeploy', 'start', 'status']);
  });

  it('code + env + services down → full restart, all reasons kept', () => {
    const d = decide(
      analysis({
        files: [file('a.py', 'code'), file('.env', 'env')],
        services: [{ ...running, running: false, status: 'exited' }],
      }),
    );
    expect(d.action).toBe('full_restart');
    expect(d.scenarios).toEqual(['env_changed', 'code_changed', 'services_down']);
    expect(d.reasons.map((r) => r.scenario)).toEqual(['env_changed', 'code_changed', 'services_down']);
  });

  it('remote + local config + code → rebuild from the remote change', () => {
    const d = decide(analysis({ remote: [pushed], files: [file('.claude/x.md', 'config'), file('a.py', 'code')] }));
    expect(d).toMatchObject({
      action: 'rebuild',
      scenario: 'remote_config_changed',
      scenarios: ['remote_config_changed', 'local_config_changed', 'code_changed'],
    });
  });

  it('code + services down → redeploy (plan starts services first)', () => {
    const d = decide(analysis({ files: [file('a.py', 'code')], checks: [{ ...healthy, ok: false, status: 500 }] }));
    expect(d).toMatchObject({ action: 'redeploy', scenarios: ['code_changed', 'services_down'] });
  });

  it('never-deployed config repo counts as changed; unreachable repo only warns', () => {
    const commits = [{ sha: SHA_B, short: 'bbbbbbb', subject: 'Add /analyze-logs command' }];
    const fresh: RemoteRepoStatus = {
      ...upToDate,
      name: 'project',
      recorded: null,
      current: SHA_B,
      changed: true,
      commits,
      note: 'no deployed commit recorded; latest commits shown',
    };
    const broken: RemoteRepoStatus = {
      ...upToDate,
      name: 'gone',
      current: null,
      changed: false,
      error: 'git ls-remote failed: not found',
    };
    const d = decide(analysis({ remote: [fresh, broken] }));
    // QA: "(no deployed commit recorded…)" was in the summary and again as a detail; once is enough.
    expect(d.reasons[0]).toEqual({
      scenario: 'remote_config_changed',
      summary: 'Remote config changed: project now at bbbbbbb (no deployed commit recorded; latest commits shown)',
      details: ['project: bbbbbbb Add /analyze-logs command'],
    });
    const text = [d.reasons[0]!.summary, ...d.reasons[0]!.details].join('\n');
    expect(text.match(/no deployed commit recorded/g)).toHaveLength(1);
    expect(d.warnings).toEqual(['config repo gone: git ls-remote failed: not found']);
  });

  it('warns when there is no last-deploy state to diff against', () => {
    const d = decide({ ...analysis(), lastDeploy: null });
    expect(d.reasons[0]!.summary).toBe('Nothing changed (no previous deploy recorded)');
    expect(d.warnings).toEqual([
      'no last-deploy state yet: only uncommitted changes can be detected until a deploy records one',
    ]);
  });

  it('honours configured confirm actions', () => {
    expect(
      decide(analysis({ files: [file('a.py', 'code')] }), { confirmActions: ['redeploy'] }).needsConfirmation,
    ).toBe(true);
  });

  it('forceAction: the forced action wins, the analysed reasons stay after it, confirmation follows the action', () => {
    const analysed = decide(analysis({ files: [file('agent/agent.py', 'code')] }));
    expect(analysed.action).toBe('redeploy');
    const rebuild = forceAction(analysed, 'rebuild');
    expect(rebuild).toMatchObject({
      action: 'rebuild',
      scenario: 'code_changed',
      needsConfirmation: true,
      forced: { flag: 'rebuild', analysed: 'redeploy' },
    });
    expect(rebuild.reasons.map((r) => r.summary)).toEqual([
      'Forced with --action rebuild (the analysis alone decided a redeploy)',
      'Code changed: agent/agent.py',
    ]);
    expect(forceAction(analysed, 'restart')).toMatchObject({ action: 'full_restart', needsConfirmation: true });
    expect(forceAction(analysed, 'start')).toMatchObject({ action: 'start', needsConfirmation: false });
    expect(forceAction(analysed, 'redeploy').reasons[0]!.summary).toBe(
      'Forced with --action redeploy (the analysis decided the same)',
    );
  });
});
