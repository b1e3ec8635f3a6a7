import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { classifyCommit, inferBump } from '../src/release/conventional.js';
import { formatTag, nextVersion, planRow } from '../src/release/scan.js';
import {
  canonicalJson,
  planHash,
  renderGateMessage,
  renderNothingToRelease,
  renderPlanTable,
} from '../src/release/plan.js';
import { plural } from '../src/util/text.js';
import { buildResult, renderFailure, renderSummary } from '../src/release/result.js';
import { parseGateAttestation } from '../src/release/gate-token.js';
import { unitCommitMessage, unitNames, driftReport } from '../src/release/prepare.js';
import { TtyGate, localGateToken } from '../src/adapters/gate/tty.js';
import { selectGate } from '../src/adapters/gate/index.js';
import type { PlanRow } from '../src/release/types.js';

describe('conventional commits → bump', () => {
  it('feat minor, fix patch, ! or BREAKING CHANGE major, others only when configured', () => {
    expect(classifyCommit('a', 'feat(core): x').bump).toBe('minor');
    expect(classifyCommit('a', 'fix: x').bump).toBe('patch');
    expect(classifyCommit('a', 'feat!: x')).toMatchObject({ bump: 'major', breaking: true, subject: 'x' });
    expect(classifyCommit('a', 'chore: x\n\nBREAKING CHANGE: gone').bump).toBe('major');
    expect(classifyCommit('a', 'chore: x\n\nBREAKING-CHANGE: gone').bump).toBe('major');
    expect(classifyCommit('a', 'perf: x').bump).toBeNull();
    expect(classifyCommit('a', 'perf: x', { perf: 'patch' }).bump).toBe('patch');
    expect(classifyCommit('a', 'docs: x', { docs: 'none' }).bump).toBeNull();
    expect(classifyCommit('a', 'random message').bump).toBeNull();
    expect(inferBump([{ bump: 'patch' }, { bump: null }, { bump: 'minor' }])).toBe('minor');
    expect(inferBump([{ bump: null }])).toBeNull();
  });
});

describe('scan', () => {
  it('formats a tag from its template', () => {
    expect(formatTag('{repo}-{name}@{version}', { name: 'a', repo: 'r' }, '1.0.0')).toBe('r-a@1.0.0');
    expect(formatTag('{dir}-v{version}', { name: 'a', repo: 'r', path: 'packages/alpha' }, '1.0.0')).toBe(
      'alpha-v1.0.0',
    );
  });

  it('bumps with semver.inc exactly, pre-1.0 included', () => {
    expect(nextVersion('0.3.0', 'major')).toBe('1.0.0');
    expect(nextVersion('0.3.0', 'minor')).toBe('0.4.0');
    expect(nextVersion('1.2.0', 'patch')).toBe('1.2.1');
    expect(() => nextVersion('nope', 'patch')).toThrow(/not a semver/);
  });

  it('plan rows: nothing since the tag → NOTHING_TO_RELEASE even with --bump; --bump overrides inference', () => {
    const pkg = { name: 'core', repo: 'core', tier: 2, ecosystem: 'npm' as const };
    const feat = classifyCommit('a'.repeat(40), 'feat: x');
    const chore = classifyCommit('b'.repeat(40), 'chore: y');
    const lastTag = { tag: 'core/v1.4.0', version: '1.4.0', tags: ['core/v1.4.0'], styles: ['{name}/v{version}'] };
    const truth = { current: '1.4.0', from: 'tag' as const, lastTag };
    expect(planRow({ pkg, truth, commits: [feat], bumpOverride: null })).toEqual({
      repo: 'core',
      package: 'core',
      tier: 2,
      current: '1.4.0',
      new: '1.5.0',
      bump: 'minor',
      commits: 1,
      status: 'PLANNED',
      last_tag: 'core/v1.4.0',
      current_from: 'tag',
    });
    expect(planRow({ pkg, truth, commits: [feat], bumpOverride: 'major' }).new).toBe('2.0.0');
    expect(planRow({ pkg, truth, commits: [], bumpOverride: 'major' }).status).toBe('NOTHING_TO_RELEASE');
    expect(planRow({ pkg, truth, commits: [chore], bumpOverride: null })).toMatchObject({
      status: 'NOTHING_TO_RELEASE',
      commits: 1,
      new: null,
    });
    const untagged = { current: '0.1.0', from: 'manifest' as const, lastTag: null };
    expect(planRow({ pkg, truth: untagged, commits: [feat], bumpOverride: null }).new).toBe('0.2.0');
  });

  it('non-conventional histories (issue 19.2): default_bump, the none-conventional reason, --bump on a named package', () => {
    const pkg = { name: 'core', repo: 'core', tier: 1, ecosystem: 'python' as const };
    const truth = { current: '1.4.0', from: 'tag' as const, lastTag: null };
    const plain = [
      classifyCommit('a'.repeat(40), 'Fix the parser (#12)'),
      classifyCommit('b'.repeat(40), 'Update README'),
    ];
    const chore = classifyCommit('c'.repeat(40), 'chore: deps');
    const fix = classifyCommit('d'.repeat(40), 'fix: crash');
    // none (default): nothing, and the plan says why — never "no unreleased commits".
    expect(planRow({ pkg, truth, commits: plain, bumpOverride: null })).toMatchObject({
      status: 'NOTHING_TO_RELEASE',
      commits: 2,
      reason: '2 commits, none conventional: nothing to release; use --bump or release.default_bump',
    });
    expect(planRow({ pkg, truth, commits: plain, bumpOverride: null, defaultBump: 'patch' })).toMatchObject({
      status: 'PLANNED',
      new: '1.4.1',
      bump: 'patch',
    });
    expect(planRow({ pkg, truth, commits: plain, bumpOverride: null, defaultBump: 'minor' }).new).toBe('1.5.0');
    // A conventional commit that does not release is not raised by default_bump; a higher one wins.
    expect(planRow({ pkg, truth, commits: [chore], bumpOverride: null, defaultBump: 'minor' })).toMatchObject({
      status: 'NOTHING_TO_RELEASE',
    });
    expect(planRow({ pkg, truth, commits: [chore], bumpOverride: null }).reason).toBeUndefined();
    expect(planRow({ pkg, truth, commits: [...plain, fix], bumpOverride: null, defaultBump: 'minor' }).bump).toBe(
      'minor',
    );
    expect(planRow({ pkg, truth, commits: [...plain, fix], bumpOverride: null }).bump).toBe('patch');
    // --bump: applies to the history; with zero commits only when the package is named explicitly.
    expect(planRow({ pkg, truth, commits: plain, bumpOverride: 'patch' }).reason).toBeUndefined();
    expect(planRow({ pkg, truth, commits: [], bumpOverride: 'patch' }).status).toBe('NOTHING_TO_RELEASE');
    expect(planRow({ pkg, truth, commits: [], bumpOverride: 'patch', explicit: true })).toMatchObject({
      status: 'PLANNED',
      new: '1.4.1',
      commits: 0,
    });
    expect(planRow({ pkg, truth, commits: [], bumpOverride: null, explicit: true }).status).toBe('NOTHING_TO_RELEASE');
    expect(inferBump(plain)).toBeNull();
    expect(inferBump(plain, 'patch')).toBe('patch');
  });

  it('the plan text names the none-conventional reason instead of "no unreleased commits"', () => {
    const base = { tier: 1, current: '1.0.0', new: null, bump: null, status: 'NOTHING_TO_RELEASE' as const };
    const odd = {
      ...base,
      repo: 'r',
      package: 'r',
      commits: 11,
      reason: '11 commits, none conventional: nothing to release; use --bump or release.default_bump',
    };
    const idle = { ...base, repo: 's', package: 's', commits: 0 };
    expect(renderNothingToRelease([odd, idle])).toBe(
      'r: 11 commits, none conventional: nothing to release; use --bump or release.default_bump\nNothing to release (NOTHING_TO_RELEASE).',
    );
    expect(renderNothingToRelease([idle])).toBe(
      'Nothing to release: no package has unreleased commits (NOTHING_TO_RELEASE).',
    );
    expect(renderGateMessage('run', 'sha256:x', [odd, idle])).toContain(
      '  r (11 commits, none conventional: nothing to release; use --bump or release.default_bump)\n  s\n',
    );
  });
});

const rows: PlanRow[] = [
  {
    repo: 'omnibase_core',
    package: 'omnibase_core',
    tier: 2,
    current: '1.4.0',
    new: '1.5.0',
    bump: 'minor',
    commits: 8,
    status: 'PLANNED',
  },
  {
    repo: 'omnibase_spi',
    package: 'omnibase_spi',
    tier: 1,
    current: '1.2.0',
    new: '1.2.1',
    bump: 'patch',
    commits: 3,
    status: 'PLANNED',
  },
  {
    repo: 'omnimemory',
    package: 'omnimemory',
    tier: 3,
    current: '0.3.0',
    new: null,
    bump: null,
    commits: 0,
    status: 'NOTHING_TO_RELEASE',
  },
];

describe('plan', () => {
  it('hash: canonical (sorted keys and rows), identical inputs → identical hash', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }] })).toBe('{"a":[{"c":"x","d":null}],"b":1}');
    const h = planHash(rows);
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(
      planHash([...rows].reverse().map((r) => Object.fromEntries(Object.entries(r).reverse()) as unknown as PlanRow)),
    ).toBe(h);
    expect(planHash(rows.map((r) => (r.package === 'omnibase_core' ? { ...r, commits: 9 } : r)))).not.toBe(h);
  });

  it('renders the seed table and gate message', () => {
    expect(renderPlanTable(rows)).toBe(
      [
        'repo          | tier | current | new   | bump  | commits | status             | branch',
        '--------------|------|---------|-------|-------|---------|--------------------|-------',
        'omnibase_spi  | 1    | 1.2.0   | 1.2.1 | patch | 3       | PLANNED            | -',
        'omnibase_core | 2    | 1.4.0   | 1.5.0 | minor | 8       | PLANNED            | -',
        'omnimemory    | 3    | 0.3.0   | -     | -     | 0       | NOTHING_TO_RELEASE | -',
      ].join('\n'),
    );
    const msg = renderGateMessage('release-20260225-a3f7b2', 'sha256:abc', rows);
    expect(msg).toContain('[HIGH_RISK] release — coordinated release of 2 repos');
    // The seed's layout: names padded to 19, versions to their widest + 2.
    expect(msg).toContain('  Tier 1:\n    omnibase_spi       1.2.0 → 1.2.1  (patch, 3 commits)');
    expect(msg).toContain('SKIPPED (no unreleased commits):\n  omnimemory');
    expect(msg).toContain('This is HIGH_RISK — silence will NOT auto-advance.');
  });

  it('one unit per repo (per tier only when repos depend on each other both ways); commit messages never collide', () => {
    const mono: PlanRow[] = [
      { ...rows[0]!, repo: 'mono', package: 'a', tier: 1 },
      { ...rows[0]!, repo: 'mono', package: 'b', tier: 1 },
      { ...rows[0]!, repo: 'mono', package: 'c', tier: 3 },
      { ...rows[0]!, repo: 'solo', package: 'solo', tier: 2 },
    ];
    expect(Object.fromEntries(unitNames(mono, (p) => (p === 'c' ? ['a'] : p === 'solo' ? ['a'] : [])))).toEqual({
      'mono\u00001': 'mono',
      'mono\u00003': 'mono',
      'solo\u00002': 'solo',
    });
    // mono's c needs solo, which needs mono's a: mono cannot release at once.
    expect(Object.fromEntries(unitNames(mono, (p) => (p === 'c' ? ['solo'] : p === 'solo' ? ['a'] : [])))).toEqual({
      'mono\u00001': 'mono-t1',
      'mono\u00003': 'mono-t3',
      'solo\u00002': 'solo',
    });
    expect(unitCommitMessage('release: {repo} v{version}', 'solo', [{ name: 'solo', version: '1.0.0' }])).toBe(
      'release: solo v1.0.0',
    );
    expect(
      unitCommitMessage('release: {repo} v{version}', 'mono', [
        { name: 'a', version: '1.0.0' },
        { name: 'b', version: '2.0.0' },
      ]),
    ).toBe('release: mono a v1.0.0, b v2.0.0');
    expect(unitCommitMessage('release: {repo} v{version}', 'mono', [{ name: 'c', version: '1.0.0' }])).toBe(
      'release: mono c v1.0.0',
    );
  });

  it('drift report: expected vs actual', () => {
    const check = {
      ok: false,
      contradictions: [],
      differences: [],
      unconfigured: ['gamma'],
      undiscovered: ['beta'],
      computed: [],
    };
    expect(driftReport(['alpha', 'beta'], check)).toEqual({
      expected: ['alpha', 'beta'],
      actual: ['alpha', 'gamma'],
      problems: [
        'gamma depends on (or is depended on by) ecosystem packages but is not in ferry.yaml',
        'beta is in ferry.yaml but no manifest for it was found in the workspace',
      ],
    });
    expect(driftReport(['a'], { ...check, unconfigured: [], undiscovered: [] })).toBeNull();
  });
});

describe('gate', () => {
  it('--gate-attestation: format and run id', () => {
    expect(parseGateAttestation('1740312612.000100:release-20260225-a3f7b2', 'release-20260225-a3f7b2')).toEqual({
      token: '1740312612.000100:release-20260225-a3f7b2',
      ts: '1740312612.000100',
      runId: 'release-20260225-a3f7b2',
    });
    expect(() => parseGateAttestation('approve')).toThrow(
      expect.objectContaining({ code: 'INVALID_GATE_TOKEN', exitCode: 2 }),
    );
    expect(() => parseGateAttestation('1740312612.000100:release-20260225-a3f7b2', 'release-20260225-ffffff')).toThrow(
      /issued for run release-20260225-a3f7b2/,
    );
    // A token for the finished run whose id this new run would have had is refused, saying so.
    expect(() =>
      parseGateAttestation(
        '1740312612.000100:release-20260225-a3f7b2',
        'release-20260225-a3f7b2-2',
        'release-20260225-a3f7b2',
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_GATE_TOKEN',
        message: expect.stringContaining(
          'issued for run release-20260225-a3f7b2, which already finished; this new run is release-20260225-a3f7b2-2',
        ),
      }),
    );
    expect(localGateToken(1740312612345, 'r-1')).toBe('1740312612.345000:r-1');
  });

  const req = { runId: 'release-20260225-a3f7b2', planHash: 'sha256:x', message: 'PLAN', timeoutMs: 60_000 };
  const tty = () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => (text += d.toString()));
    return {
      input,
      output,
      text: () => text,
      gate: new TtyGate({ input, output, isTTY: true, now: () => 1740312612000 }),
    };
  };

  it('tty: approve → token; unknown answers are asked again', async () => {
    const t = tty();
    const p = t.gate.request(req);
    t.input.write('maybe\n');
    t.input.write('approve\n');
    await expect(p).resolves.toEqual({
      approved: true,
      token: '1740312612.000000:release-20260225-a3f7b2',
      channel: 'tty',
      by: expect.any(String),
    });
    expect(t.text()).toContain('PLAN');
    expect(t.text().match(/Type approve or reject/g)).toHaveLength(2);
  });

  it('tty: reject → GATE_REJECTED; end of input is not consent; silence → GATE_TIMEOUT', async () => {
    const a = tty();
    const p1 = a.gate.request(req);
    a.input.write('reject\n');
    await expect(p1).rejects.toMatchObject({ code: 'GATE_REJECTED' });
    const b = tty();
    const p2 = b.gate.request(req);
    b.input.end();
    await expect(p2).rejects.toMatchObject({ code: 'GATE_REJECTED', message: expect.stringContaining('not approved') });
    const c = tty();
    await expect(c.gate.request({ ...req, timeoutMs: 50 })).rejects.toMatchObject({
      code: 'GATE_TIMEOUT',
      message: expect.stringContaining('no answer within 1 s;'),
    });
  });

  it('no terminal and no other channel → GATE_UNAVAILABLE naming the fix', async () => {
    await expect(selectGate(['tty', 'slack'], { runId: 'r1', tty: { isTTY: false } })).rejects.toMatchObject({
      code: 'GATE_UNAVAILABLE',
      fix: expect.stringContaining('--gate-attestation <ts>:r1'),
    });
  });
});

describe('release output', () => {
  it('counts agree with their noun', () => {
    expect([
      plural(0, 'commit'),
      plural(1, 'commit'),
      plural(2, 'commit'),
      plural(1, 'repo'),
      plural(3, 'dependency', 'dependencies'),
    ]).toEqual(['0 commits', '1 commit', '2 commits', '1 repo', '3 dependencies']);
  });

  it('the failure summary is one complete line, the output tail indented below, then the exact resume command', () => {
    const error =
      "LINT_FAILED: omnimemory: lint hook failed (sh -c 'ruff .' exited 1):\nruff: 3 errors\n  src/a.py:1 E501\n";
    expect(
      renderFailure(
        'release-20260225-a3f7b2',
        'partial',
        { package: 'omnimemory', phase: 'LINT', error },
        'ferry release --resume release-20260225-a3f7b2',
      ).split('\n'),
    ).toEqual([
      "release release-20260225-a3f7b2 partial: omnimemory failed at LINT: LINT_FAILED: omnimemory: lint hook failed (sh -c 'ruff .' exited 1)",
      '    ruff: 3 errors',
      '      src/a.py:1 E501',
      'resume with: ferry release --resume release-20260225-a3f7b2',
    ]);
    // A one-line error stays as it is; no failing package → 'stopped'.
    expect(
      renderFailure(
        'r-1',
        'failed',
        { package: 'a', phase: 'TAG', error: 'TAG_CONFLICT: tag a/v1.0.0 exists: x' },
        'ferry release --resume r-1',
      ),
    ).toBe(
      'release r-1 failed: a failed at TAG: TAG_CONFLICT: tag a/v1.0.0 exists: x\nresume with: ferry release --resume r-1',
    );
    expect(renderFailure('r-1', 'failed', undefined, 'ferry release --resume r-1')).toBe(
      'release r-1 failed: stopped\nresume with: ferry release --resume r-1',
    );
  });

  it('summary table: a failed package shows failed (<phase>), a blocked one blocked, in the registry column', () => {
    const row = (p: string, tier: number): PlanRow => ({
      package: p,
      repo: p,
      tier,
      current: '1.0.0',
      new: '1.1.0',
      bump: 'minor',
      commits: 1,
      status: 'PLANNED',
    });
    const repo = (p: string, phase: string, error: string | null, pypi: 'available' | null) => ({
      package: p,
      tier: 1,
      old_version: '1.0.0',
      new_version: '1.1.0',
      bump: 'minor' as const,
      commits_since_tag: 1,
      pr_url: null,
      pr_number: null,
      tag: null,
      pypi_status: pypi,
      phase,
      error,
    });
    const data = {
      repos: {
        a: repo('a', 'DONE', null, 'available'),
        b: repo('b', 'LINT', 'LINT_FAILED: b: lint hook failed (x exited 1):\nout', null),
        c: repo('c', 'BLOCKED', 'TIER_BLOCKED: blocked by b/LINT (LINT_FAILED)', null),
      },
    };
    const result = buildResult({
      runId: 'r-1',
      planHash: 'sha256:' + '0'.repeat(64),
      rows: [row('a', 1), row('b', 2), row('c', 3)],
      data: data as never,
      dryRun: false,
    });
    const cells = renderSummary(result)
      .split('\n')
      .slice(2)
      .map((l) => l.split(' | ').map((c) => c.trim()));
    expect(cells.map((c) => [c[0], c[4]])).toEqual([
      ['a', 'available'],
      ['b', 'failed (LINT)'],
      ['c', 'blocked'],
    ]);
  });

  it('counts: a gate that stopped the run leaves every repo unattempted (seed: no repos modified); skipped is NOTHING_TO_RELEASE only', () => {
    const row = (p: string, status: 'PLANNED' | 'NOTHING_TO_RELEASE' = 'PLANNED'): PlanRow => ({
      package: p,
      repo: p,
      tier: 1,
      current: '1.0.0',
      new: '1.1.0',
      bump: 'minor',
      commits: 1,
      status,
    });
    const repo = (p: string, phase: string, error: string | null) => ({
      package: p,
      tier: 1,
      old_version: '1.0.0',
      new_version: '1.1.0',
      bump: 'minor' as const,
      commits_since_tag: 1,
      pr_url: null,
      pr_number: null,
      tag: null,
      pypi_status: null,
      phase,
      error,
    });
    const rows = [row('a'), row('b'), row('c', 'NOTHING_TO_RELEASE')];
    const hash = 'sha256:' + '0'.repeat(64);
    const gated = buildResult({
      runId: 'r-1',
      planHash: hash,
      rows,
      data: { repos: { a: repo('a', 'PLANNED', null), b: repo('b', 'PLANNED', null) } } as never,
      dryRun: false,
      error: { code: 'GATE_TIMEOUT', message: 'no answer', fix: null } as never,
    });
    expect(gated).toMatchObject({
      status: 'FAILED',
      repos_attempted: 0,
      repos_succeeded: 0,
      repos_failed: 0,
      repos_skipped: 1,
    });
    const partial = buildResult({
      runId: 'r-1',
      planHash: hash,
      rows,
      data: { repos: { a: repo('a', 'DONE', null), b: repo('b', 'BLOCKED', 'TIER_BLOCKED: x') } } as never,
      dryRun: false,
    });
    expect(partial).toMatchObject({
      status: 'PARTIAL',
      repos_attempted: 2,
      repos_succeeded: 1,
      repos_failed: 1,
      repos_skipped: 1,
    });
    const dry = buildResult({
      runId: 'r-1',
      planHash: hash,
      rows,
      data: { repos: { a: repo('a', 'PLANNED', null), b: repo('b', 'PLANNED', null) } } as never,
      dryRun: true,
    });
    expect(dry).toMatchObject({ status: 'DRY_RUN', repos_attempted: 2, repos_failed: 0, repos_skipped: 1 });
  });
});
