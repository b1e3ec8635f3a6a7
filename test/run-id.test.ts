import { describe, expect, it } from 'vitest';
import { releaseRunId, timestampRunId, validateRunId } from '../src/engine/run-id.js';

describe('run ids', () => {
  it('release ids are deterministic per package set and day; others are unique', () => {
    const day = new Date('2026-02-25T10:00:00Z');
    expect(releaseRunId(['b', 'a'], day)).toBe(releaseRunId(['a', 'b'], day));
    expect(releaseRunId(['a', 'b'], day)).toMatch(/^release-20260225-[0-9a-f]{6}$/);
    expect(releaseRunId(['a'], day)).not.toBe(releaseRunId(['a', 'b'], day));
    expect(timestampRunId('deploy', day)).not.toBe(timestampRunId('deploy', day));
  });

  it("a bad id is USAGE, and the example in the fix has the command's own prefix", () => {
    expect(validateRunId('deploy-1')).toBe('deploy-1');
    for (const bad of ['a b', 'x;rm', '../up', ''])
      expect(() => validateRunId(bad)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => validateRunId('a b', '--run-id', 'deploy')).toThrow(
      expect.objectContaining({ fix: '--run-id deploy-20260225-a3f7b2   # or leave --run-id out' }),
    );
    expect(() => validateRunId('a b')).toThrow(
      expect.objectContaining({ fix: expect.stringMatching(/^--run-id release-/) }),
    );
    expect(() => validateRunId('a b', '--resume', 'deploy')).toThrow(
      expect.objectContaining({ fix: expect.stringContaining('ferry runs list') }),
    );
  });
});
