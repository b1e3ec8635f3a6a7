import { describe, expect, it } from 'vitest';
import { extractFrontmatter, parseVerdict, renderVerdict } from '../src/promote/verdict.js';
import { assertStagingPassed } from '../src/promote/staging-gate.js';

const base = {
  timestamp: '2026-06-06T21:07:35.000Z',
  base_url: 'http://localhost:8501',
  image_id: 'sha256:' + 'a'.repeat(64),
  run_id: 'stage-20260606-abcdef',
  service: 'api',
  environment: 'staging',
};

describe('verdict files', () => {
  it('renders the seed layout: frontmatter first, status key exactly SUCCESS', () => {
    const text = renderVerdict({
      kind: 'staging',
      status: 'SUCCESS',
      ...base,
      summary: 'Staging test suite completed. All checks passed.',
    });
    expect(text).toBe(
      [
        '---',
        'staging_status: SUCCESS',
        'timestamp: 2026-06-06T21:07:35.000Z',
        'base_url: http://localhost:8501',
        `image_id: sha256:${'a'.repeat(64)}`,
        'run_id: stage-20260606-abcdef',
        'service: api',
        'environment: staging',
        '---',
        '',
        '# Staging Gate Log',
        '',
        'Staging test suite completed. All checks passed.',
        '',
      ].join('\n'),
    );
  });

  it('pastes output on failure in a fence the output cannot close, and round-trips', () => {
    const output = 'FAIL B6\n```\nstaging_status: SUCCESS\n```';
    const text = renderVerdict({
      kind: 'deploy',
      status: 'FAILED',
      ...base,
      extra: { exit_code: 2, rolled_back: true },
      summary: 'Deploy FAILED',
      output,
    });
    expect(text).toContain('````\nFAIL B6');
    const v = parseVerdict(text, 'deploy');
    expect(v.status).toBe('FAILED');
    expect(v.frontmatter).toMatchObject({ deploy_status: 'FAILED', exit_code: 2, rolled_back: true });
  });

  it('gates read only the frontmatter: a SUCCESS in the body does not count', () => {
    const text = '---\nstaging_status: FAILED\n---\n\nstaging_status: SUCCESS\n';
    expect(parseVerdict(text, 'staging').status).toBe('FAILED');
  });

  it('rejects anything but exactly SUCCESS|FAILED, missing frontmatter, and non-YAML', () => {
    expect(() => parseVerdict('---\nstaging_status: success\n---\n', 'staging')).toThrow(/exactly SUCCESS or FAILED/);
    expect(() => parseVerdict('---\nstaging_status: "SUCCESS "\n---\n', 'staging')).toThrow(
      /exactly SUCCESS or FAILED/,
    );
    expect(() => parseVerdict('---\ndeploy_status: SUCCESS\n---\n', 'staging')).toThrow(/got null/);
    expect(() => parseVerdict('staging_status: SUCCESS\n', 'staging')).toThrow(/no YAML frontmatter/);
    expect(() => parseVerdict('---\n: : [\n---\n', 'staging')).toThrow(/not valid YAML/);
    expect(extractFrontmatter('\uFEFF---\r\na: 1\r\n---\r\nbody')).toBe('a: 1');
  });

  it('the promote gate: STAGING_FAILED for none/FAILED, STAGING_STALE for another image id', () => {
    const ok = {
      kind: 'staging' as const,
      status: 'SUCCESS' as const,
      frontmatter: { image_id: 'sha256:1' },
      path: 'p',
    };
    expect(() => assertStagingPassed(null, 'sha256:1', 'api', 'staging')).toThrow(
      expect.objectContaining({ code: 'STAGING_FAILED', fix: 'ferry stage api --env staging' }),
    );
    expect(() => assertStagingPassed({ ...ok, status: 'FAILED' }, 'sha256:1', 'api', 'staging')).toThrow(
      expect.objectContaining({ code: 'STAGING_FAILED' }),
    );
    expect(() => assertStagingPassed(ok, 'sha256:2', 'api', 'staging')).toThrow(
      expect.objectContaining({ code: 'STAGING_STALE' }),
    );
    expect(() => assertStagingPassed(ok, 'sha256:1', 'api', 'staging')).not.toThrow();
  });
});
