// The README's demo command: the whole release of the 6-package ecosystem, as a new user runs it.
import { describe, expect, it } from 'vitest';
import { ferry } from '../helpers/ferry.js';

describe('ferry demo', () => {
  it('releases the seed ecosystem end to end in under 60 s and ends with the summary', async () => {
    const started = Date.now();
    const r = await ferry(['demo']);
    const seconds = (Date.now() - started) / 1000;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('plan_hash: sha256:');
    expect(r.stdout).toMatch(/omniclaude\s+\|\s+0\.3\.0 → 0\.4\.0\s+\|/);
    expect(r.stdout).toContain('verified outside ferry: 6 release commits on remote main, 6 tags, 12 files on the index');
    expect(r.stderr).toContain('gate approved');
    expect(seconds).toBeLessThan(60);
  });
});
