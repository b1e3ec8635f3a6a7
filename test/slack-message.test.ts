// Pure Slack texts: the seed's HIGH_RISK gate message, reply parsing, the LOW_RISK summary.

import { describe, expect, it } from 'vitest';
import { parseGateMessage, renderReleaseSummary, replyDecision } from '../src/adapters/gate/slack-message.js';
import { renderGateMessage, type GatePlan } from '../src/release/gate-message.js';

const seedPlan: GatePlan = {
  runId: 'release-20260225-a3f7b2',
  planHash: 'sha256:abc123',
  tiers: [
    { tier: 1, packages: [{ name: 'omnibase_spi', from: '1.2.0', to: '1.2.1', bump: 'patch', commits: 3 }] },
    { tier: 2, packages: [{ name: 'omnibase_core', from: '1.4.0', to: '1.5.0', bump: 'minor', commits: 8 }] },
    {
      tier: 3,
      packages: [
        { name: 'omnibase_infra', from: '2.0.0', to: '2.1.0', bump: 'minor', commits: 12 },
        { name: 'omniintelligence', from: '0.9.0', to: '0.9.1', bump: 'patch', commits: 2 },
        { name: 'omnimemory', from: '0.3.0', to: '0.3.1', bump: 'patch', commits: 1 },
      ],
    },
    { tier: 4, packages: [{ name: 'omniclaude', from: '0.3.0', to: '0.4.0', bump: 'minor', commits: 15 }] },
  ],
  skipped: [],
};

// The seed's "Slack Gate Message Format" block with its placeholders filled in.
const seedText = `[HIGH_RISK] release — coordinated release of 6 repos

Run: release-20260225-a3f7b2
Plan Hash: sha256:abc123

RELEASE PLAN:
  Tier 1:
    omnibase_spi       1.2.0 → 1.2.1  (patch, 3 commits)
  Tier 2:
    omnibase_core      1.4.0 → 1.5.0  (minor, 8 commits)
  Tier 3:
    omnibase_infra     2.0.0 → 2.1.0  (minor, 12 commits)
    omniintelligence   0.9.0 → 0.9.1  (patch, 2 commits)
    omnimemory         0.3.0 → 0.3.1  (patch, 1 commit)
  Tier 4:
    omniclaude         0.3.0 → 0.4.0  (minor, 15 commits)

SKIPPED (no unreleased commits):
  (none)

Commands:
  approve            — execute full release plan
  reject             — cancel entire release

This is HIGH_RISK — silence will NOT auto-advance.`;

describe('renderGateMessage', () => {
  it('reproduces the seed layout exactly', () => {
    expect(renderGateMessage(seedPlan)).toBe(seedText);
  });

  it('lists skipped repos, widens for long names and versions, singular repo', () => {
    const text = renderGateMessage({
      runId: 'release-20260301-000000',
      planHash: 'sha256:ff',
      tiers: [
        {
          tier: 2,
          packages: [{ name: 'a_rather_long_package_name', from: '10.0.0', to: '11.0.0', bump: 'major', commits: 1 }],
        },
      ],
      skipped: ['omnimemory', 'omniclaude'],
    });
    expect(text.split('\n')[0]).toBe('[HIGH_RISK] release — coordinated release of 1 repo');
    expect(text).toContain('  Tier 2:\n    a_rather_long_package_name 10.0.0 → 11.0.0  (major, 1 commit)\n');
    expect(text).toContain('SKIPPED (no unreleased commits):\n  omnimemory\n  omniclaude\n');
    expect(parseGateMessage(text)).toEqual({ runId: 'release-20260301-000000', planHash: 'sha256:ff', highRisk: true });
  });
});

describe('replyDecision', () => {
  it.each([
    ['approve', 'approve'],
    ['Approve', 'approve'],
    ['APPROVE!', 'approve'],
    ['approve — looks good', 'approve'],
    ['<@U0FERRYBOT> approve', 'approve'],
    ['*reject*', 'reject'],
    ['reject, wrong versions', 'reject'],
  ])('%s → %s', (text, want) => expect(replyDecision(text)).toBe(want));

  it.each(['I approve', 'approved', 'lgtm', '', 'not reject', 'approvex'])('%j is no decision', (text) => {
    expect(replyDecision(text)).toBeUndefined();
  });
});

describe('renderReleaseSummary', () => {
  it('renders repo | old → new | PR | tag | registry with failures below', () => {
    const text = renderReleaseSummary({
      runId: 'release-20260225-a3f7b2',
      status: 'PARTIAL',
      rows: [
        {
          repo: 'omnibase_spi',
          from: '1.2.0',
          to: '1.2.1',
          pr: '#42',
          tag: 'omnibase_spi/v1.2.1',
          registry: 'available',
        },
        { repo: 'omnibase_infra', from: '2.0.0', to: '2.1.0', error: 'LINT_FAILED: ruff found 3 errors' },
      ],
    });
    expect(text).toBe(
      [
        '[LOW_RISK] release release-20260225-a3f7b2 — PARTIAL',
        '',
        '```',
        'repo           | old → new     | PR  | tag                 | registry',
        '---------------|---------------|-----|---------------------|----------',
        'omnibase_spi   | 1.2.0 → 1.2.1 | #42 | omnibase_spi/v1.2.1 | available',
        'omnibase_infra | 2.0.0 → 2.1.0 | -   | -                   | -',
        '```',
        '',
        'Failures:',
        '  omnibase_infra: LINT_FAILED: ruff found 3 errors',
      ].join('\n'),
    );
  });
});
