// The README's demo command: the whole release of the 6-package ecosystem, as a new user runs it.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';

describe('ferry demo', () => {
  it('releases the seed ecosystem end to end in under 60 s and ends with the summary', async () => {
    const started = Date.now();
    const r = await ferry(['demo']);
    const seconds = (Date.now() - started) / 1000;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('plan_hash: sha256:');
    expect(r.stdout).toMatch(/omniclaude\s+\|\s+0\.3\.0 → 0\.4\.0\s+\|/);
    expect(r.stdout).toContain(
      'verified outside ferry: 6 release commits on remote main, 6 tags, 12 files on the index',
    );
    expect(r.stderr).toContain('gate approved');
    expect(seconds).toBeLessThan(60);
  });

  it('--json --keep: every stdout line is JSON, the last the demo result; the kept directory holds the run history', async () => {
    const r = await ferry(['--json', 'demo', '--keep']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    const demo = lines.at(-1) as { skill: string; status: string; run_id: string; verified: unknown; kept: string };
    try {
      expect(demo).toMatchObject({
        skill: 'demo',
        status: 'SUCCESS',
        verified: { release_commits: 6, tags: 6, index_files: 12 },
      });
      // The dry run's and the release's own NDJSON come first: the release result is the line before the demo's.
      const release = lines.at(-2)!;
      expect(release).toMatchObject({ skill: 'release', status: 'SUCCESS', run_id: demo.run_id });
      expect(validateAgainst('release-result', release)).toEqual([]);
      expect(lines.some((l) => l.skill === 'release' && l.status === 'DRY_RUN')).toBe(true);
      const workspace = join(demo.kept, 'workspace');
      expect(existsSync(join(workspace, '.ferry', 'state', 'release', 'archive', `${demo.run_id}.json`))).toBe(true);
      const list = await ferry(['--json', 'runs', 'list'], { cwd: workspace });
      expect(
        (jsonLines(list.stdout).at(-1)!.runs as { run_id: string; status: string }[]).map((x) => [x.run_id, x.status]),
      ).toEqual([[demo.run_id, 'completed']]);
    } finally {
      if (demo?.kept) rmSync(demo.kept, { recursive: true, force: true });
    }
  });
});
