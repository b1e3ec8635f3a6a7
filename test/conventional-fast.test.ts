// The fast commit classifier (one header regex, the full parser only for breaking-note bodies)
// must give the same plan as the full conventional-commits parser: per commit and per package.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Git } from '../src/adapters/git/git.js';
import { exec } from '../src/util/process.js';
import { classifyCommit, classifyCommitFull } from '../src/release/conventional.js';
import { planRow } from '../src/release/scan.js';
import { anyMessage, longHistory, seeded } from './fixtures/shapes/long-history.js';

const BUMP_TYPES = { perf: 'patch', docs: 'none', refactor: 'minor' } as const;

describe('fast commit classification', () => {
  it('equals the full parser on 10 000 generated messages of every style', () => {
    const r = seeded(7);
    const edge = [
      '',
      '   ',
      '\n\nfeat: after blank lines',
      'feat:',
      'feat: ',
      ': x',
      'feat(x)!: y\n\nBREAKING CHANGE:',
    ];
    const messages = [...edge, ...Array.from({ length: 10_000 }, () => anyMessage(r))];
    let breaking = 0;
    for (const m of messages) {
      let full: unknown;
      try {
        full = classifyCommitFull('s', m, BUMP_TYPES);
      } catch (e) {
        // The full parser rejects a blank message; the fast path must do the same, not guess.
        expect(() => classifyCommit('s', m, BUMP_TYPES)).toThrow((e as Error).message);
        continue;
      }
      const fast = classifyCommit('s', m, BUMP_TYPES);
      expect(fast, JSON.stringify(m)).toEqual(full);
      if (fast.breaking) breaking++;
    }
    // The generated set really exercises the breaking paths, not only plain headers.
    expect(breaking).toBeGreaterThan(250);
  });

  const dir = mkdtempSync(join(tmpdir(), 'ferry-classify-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same plan rows as the full parser on a generated 1 500-commit monorepo', async () => {
    const h = longHistory(join(dir, 'mono'), { packages: 12, commits: 1500, seed: 3 });
    const git = new Git(exec);
    let compared = 0;
    // From each package's last release, and from its first (the whole history).
    for (const [name, tag] of h.names.flatMap((n) => [[n, h.lastTag[n]!] as const, [n, `${n}@0.1.0`] as const])) {
      const raw = await git.log(join(dir, 'mono'), `${tag}..HEAD`, [`packages/${name}`]);
      const pkg = { name, repo: 'mono', tier: 1, ecosystem: 'npm' as const };
      const version = tag.split('@')[1]!;
      const truth = { current: version, from: 'tag' as const, lastTag: { tag, version, tags: [tag], styles: [] } };
      const rowOf = (classify: typeof classifyCommit) => {
        const commits = raw.map((c) => classify(c.sha, c.message, BUMP_TYPES));
        return { commits, row: planRow({ pkg, truth, commits, bumpOverride: null }) };
      };
      expect(rowOf(classifyCommit)).toEqual(rowOf(classifyCommitFull));
      compared += raw.length;
    }
    expect(compared).toBeGreaterThan(1200);
  });
});
