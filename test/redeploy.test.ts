// Pure halves of redeploy: env requirements, version parsing, phase projection, result, dry-run text.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import type { RedeployConfig } from '../src/config/sections/redeploy.js';
import type { RunState } from '../src/engine/types.js';
import {
  buildResult,
  checkedVersions,
  describePhase,
  formatDryRun,
  notifyLines,
  parseVersionOutput,
  projectPhases,
  requiredVars,
  resumeCommand,
  secretsMode,
  versionArgv,
  versionMismatches,
} from '../src/redeploy/plan.js';
import { versionsFromResult } from '../src/redeploy/versions-from.js';
import { PHASES, type RedeployData, type RedeployEnvContext } from '../src/redeploy/types.js';

const example = loadConfig(fileURLToPath(new URL('../examples/omninode/ferry.yaml', import.meta.url)), { env: {} });
const rc = example.config.redeploy as RedeployConfig;
const flags = { skip_sync: false, skip_dockerfile_update: false, skip_secrets: false, verify_only: false };
const versions = { omniintelligence: '0.8.0', 'omninode-claude': '0.4.0', 'omninode-memory': '0.6.1' };

function data(over: Partial<RedeployData> = {}): RedeployData {
  return {
    run_id: 'redeploy-20260301-abc123',
    worktree_ticket: 'redeploy-20260301-abc123',
    worktree_path: null,
    worktree_ref: 'main',
    versions_requested: versions,
    started_at: '2026-03-01T10:00:00Z',
    phases: Object.fromEntries(PHASES.map((p) => [p, { status: 'pending' }])) as RedeployData['phases'],
    flags,
    ...over,
  };
}
const ctx = (env: Record<string, string> = {}): RedeployEnvContext => ({
  config: rc,
  workspaceDir: '/omni_home',
  stateDir: '/omni_home/.ferry',
  env,
  packageRepos: [],
});

describe('env requirements', () => {
  it('requires DEPLOY vars, and Infisical creds only when INFISICAL_ADDR is set and not skipped', () => {
    expect(requiredVars(rc, {}, flags)).toEqual({
      vars: ['POSTGRES_PASSWORD', 'KAFKA_BOOTSTRAP_SERVERS'],
      secrets: [],
    });
    expect(requiredVars(rc, { INFISICAL_ADDR: 'http://x' }, flags).secrets).toEqual([
      'INFISICAL_CLIENT_ID',
      'INFISICAL_CLIENT_SECRET',
    ]);
    expect(requiredVars(rc, { INFISICAL_ADDR: 'http://x' }, { ...flags, skip_secrets: true }).secrets).toEqual([]);
    expect(secretsMode(rc, {}, flags)).toBe('skipped_no_infisical');
    expect(secretsMode(rc, { INFISICAL_ADDR: 'http://x' }, { ...flags, skip_secrets: true })).toBe('skipped_by_flag');
    expect(secretsMode(rc, { INFISICAL_ADDR: 'http://x' }, flags)).toBe('active');
  });
});

describe('versions', () => {
  it('builds the version command and parses pip/uv and npm output', () => {
    expect(versionArgv(rc.verify, 'omniintelligence')).toEqual(['uv', 'pip', 'show', 'omniintelligence']);
    expect(versionArgv({ ...rc.verify, preset: 'npm' }, '@s/x')).toEqual(['npm', 'ls', '@s/x', '--json', '--depth=0']);
    expect(parseVersionOutput('Name: a\nVersion: 0.8.0\nLocation: /x\n', 'a')).toBe('0.8.0');
    expect(parseVersionOutput('WARNING: not found', 'a')).toBeNull();
    expect(parseVersionOutput('{"dependencies":{"@s/x":{"version":"1.2.3"}}}', '@s/x', 'npm')).toBe('1.2.3');
    expect(parseVersionOutput('not json', '@s/x', 'npm')).toBeNull();
  });
  it('lists mismatches the seed way', () => {
    expect(
      versionMismatches(versions, { omniintelligence: '0.8.0', 'omninode-claude': '0.3.0', 'omninode-memory': null }),
    ).toEqual(['omninode-claude: expected 0.4.0, got 0.3.0', 'omninode-memory: container check failed']);
  });
  it('reads versions from a release result (details[].new_version), skipping failures', () => {
    expect(
      versionsFromResult({
        details: [
          { repo: 'omnibase_spi', new_version: '1.2.1', error: null },
          { repo: 'omnibase_infra', new_version: '2.1.0', error: 'MERGE_FAILED' },
          { package: 'omniintelligence', new_version: '0.8.0' },
          { repo: 'skipped', new_version: null },
        ],
      }),
    ).toEqual({ omnibase_spi: '1.2.1', omniintelligence: '0.8.0' });
  });
  it('takes only published packages: a planned, interrupted or blocked detail (phase ≠ DONE) is not released', () => {
    expect(
      versionsFromResult({
        status: 'PARTIAL',
        details: [
          { repo: 'omnibase_spi', new_version: '1.2.1', phase: 'DONE', error: null },
          { repo: 'omnibase_core', new_version: '1.5.0', phase: 'TAGGED', error: null },
          { repo: 'omniintelligence', new_version: '0.9.1', phase: 'BLOCKED', error: null },
          { repo: 'omnimemory', new_version: '0.3.1', phase: 'PLANNED', error: null },
        ],
      }),
    ).toEqual({ omnibase_spi: '1.2.1' });
  });
  it('with --allow-unmatched, VERIFY checks and NOTIFY lists only the pins applied', () => {
    const d = data({
      flags: { ...flags, allow_unmatched: true },
      pins_applied: { omniintelligence: { from: '0.7.0', to: '0.8.0' } },
    });
    expect(checkedVersions(d)).toEqual({ omniintelligence: '0.8.0' });
    expect(notifyLines(d)[1]).toBe('  Pins: omniintelligence==0.8.0');
    // Without the flag (or before PIN_UPDATE ran) every requested package is checked, as in the seed.
    expect(checkedVersions(data({ pins_applied: { omniintelligence: { from: '0.7.0', to: '0.8.0' } } }))).toEqual(
      versions,
    );
    expect(checkedVersions(data({ flags: { ...flags, allow_unmatched: true } }))).toEqual(versions);
    expect(resumeCommand('redeploy-20260301-abc123', { a: '1.0' }, { ...flags, allow_unmatched: true })).toBe(
      'ferry redeploy --resume redeploy-20260301-abc123 --versions "a=1.0" --allow-unmatched',
    );
  });
});

describe('dry run', () => {
  it('prints the seed format from the example config', () => {
    const d = data();
    const lines = formatDryRun(
      d.run_id,
      PHASES.map((p) => [p, describePhase(p, ctx(), d)]),
    );
    expect(lines).toEqual([
      '[DRY RUN] redeploy run_id=redeploy-20260301-abc123',
      '  SYNC:       git -C /omni_home/omnibase_infra pull --ff-only',
      '  ENV_CHECK:  verify POSTGRES_PASSWORD, KAFKA_BOOTSTRAP_SERVERS',
      '  WORKTREE:   git -C /omni_home/omnibase_infra worktree add /omni_worktrees/redeploy-20260301-abc123/omnibase_infra -b redeploy-20260301-abc123',
      '  PIN_UPDATE: ferry pins --versions "omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1" --dockerfile /omni_worktrees/redeploy-20260301-abc123/omnibase_infra/docker/Dockerfile.runtime',
      '  DEPLOY:     docker build -t omninode-runtime:redeploy-20260301-abc123 -f docker/Dockerfile.runtime /omni_worktrees/redeploy-20260301-abc123/omnibase_infra + recreate omninode-runtime, intelligence-api, omninode-contract-resolver',
      '  INFISICAL:  [skipped_no_infisical]',
      '  VERIFY:     curl http://localhost:8085/health + curl http://localhost:8053/health + curl http://localhost:8091/health + docker exec omninode-runtime uv pip show omniintelligence + docker exec omninode-runtime uv pip show omninode-claude + docker exec omninode-runtime uv pip show omninode-memory',
      '  NOTIFY:     [stdout] redeploy summary',
    ]);
    expect(describePhase('INFISICAL', ctx({ INFISICAL_ADDR: 'http://i' }), d)).toEqual([
      '[conditional] bash scripts/sync-omnibase-env.sh',
    ]);
    expect(describePhase('SYNC', ctx(), data({ flags: { ...flags, skip_sync: true } }))).toEqual(['[skipped_by_flag]']);
  });
});

describe('phases, result, resume, notify', () => {
  function state(): RunState<RedeployData> {
    return {
      schema_version: 1,
      run_id: 'r',
      pipeline: 'redeploy',
      status: 'failed',
      started_at: '',
      updated_at: '',
      step_order: [...PHASES],
      steps: {
        SYNC: { status: 'skipped', detail: 'skipped_by_flag', attempts: 1, ts: 't1' },
        ENV_CHECK: { status: 'completed', attempts: 1, ts: 't2', output: { checked: ['A'] } },
        WORKTREE: { status: 'completed', attempts: 1, ts: 't3', output: { path: '/wt', reused: false } },
        PIN_UPDATE: {
          status: 'completed',
          attempts: 1,
          ts: 't4',
          output: { pins_applied: { a: { from: '0', to: '1' } } },
        },
        DEPLOY: { status: 'completed', attempts: 2, ts: 't5' },
        INFISICAL: { status: 'skipped', detail: 'skipped_no_infisical', attempts: 1, ts: 't6' },
        VERIFY: {
          status: 'failed',
          attempts: 1,
          ts: 't7',
          error: {
            code: 'VERSION_MISMATCH',
            message: 'VERIFY FAILED: x',
            fix: null,
            retryable: false,
            details: { failed_versions: ['a: expected 1, got 0'] },
          },
        },
        NOTIFY: { status: 'blocked', attempts: 0 },
      },
      data: data({ pins_applied: { a: { from: '0', to: '1' } } }),
    };
  }
  it('projects step records onto the seed phases', () => {
    const s = state();
    projectPhases(s);
    expect(s.data.phases).toEqual({
      SYNC: { status: 'skipped_by_flag', ts: 't1' },
      ENV_CHECK: { status: 'completed', ts: 't2', checked: ['A'] },
      WORKTREE: { status: 'completed', ts: 't3', path: '/wt', reused: false },
      PIN_UPDATE: { status: 'completed', ts: 't4', pins_applied: { a: { from: '0', to: '1' } } },
      DEPLOY: { status: 'completed', ts: 't5' },
      INFISICAL: { status: 'skipped_no_infisical', ts: 't6' },
      VERIFY: { status: 'failed', ts: 't7', error: 'VERIFY FAILED: x', failed_versions: ['a: expected 1, got 0'] },
      NOTIFY: { status: 'pending' },
    });
    expect(
      buildResult(s.data, 'failed', { phase: 'VERIFY', code: 'VERSION_MISMATCH', message: 'VERIFY FAILED: x' }),
    ).toEqual({
      skill: 'redeploy',
      status: 'failed',
      run_id: 'redeploy-20260301-abc123',
      phases: {
        SYNC: 'skipped_by_flag',
        ENV_CHECK: 'completed',
        WORKTREE: 'completed',
        PIN_UPDATE: 'completed',
        DEPLOY: 'completed',
        INFISICAL: 'skipped_no_infisical',
        VERIFY: 'failed',
        NOTIFY: 'pending',
      },
      pins_applied: { a: { from: '0', to: '1' } },
      error: { phase: 'VERIFY', code: 'VERSION_MISMATCH', message: 'VERIFY FAILED: x' },
      resume:
        'ferry redeploy --resume redeploy-20260301-abc123 --versions "omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1"',
    });
  });
  it('resume command carries the flags; notify lines follow the seed', () => {
    expect(resumeCommand('r1', { a: '1' }, { ...flags, skip_sync: true, skip_secrets: true })).toBe(
      'ferry redeploy --resume r1 --versions "a=1" --skip-sync --skip-infisical',
    );
    const d = data();
    for (const p of PHASES) d.phases[p] = { status: 'completed' };
    d.phases.INFISICAL = { status: 'skipped_no_infisical' };
    expect(notifyLines(d)).toEqual([
      '[redeploy] redeploy-20260301-abc123 complete',
      '  Pins: omniintelligence==0.8.0, omninode-claude==0.4.0, omninode-memory==0.6.1',
      '  Phases: all completed',
    ]);
  });
});
