// `ferry pins` through the built CLI: stderr lines, JSON last stdout line, strict input, dry run.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ferry } from './helpers/ferry.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-pins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DOCKERFILE =
  'FROM x\nARG OMNIINTELLIGENCE_VERSION=0.7.0\nRUN uv pip install \\\n    omninode-claude[cli]==0.3.0 \\\n    omninode-memory==0.5.0\n';

function file(): string {
  const f = join(dir, `Dockerfile.${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, DOCKERFILE);
  return f;
}

describe('ferry pins', () => {
  it('rewrites, prints `  pkg: a -> b` on stderr and the JSON as the last stdout line', async () => {
    const f = file();
    const r = await ferry([
      'pins',
      '--versions',
      'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1',
      '--dockerfile',
      f,
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      '  omniintelligence: 0.7.0 -> 0.8.0',
      '  omninode-claude: 0.3.0 -> 0.4.0',
      '  omninode-memory: 0.5.0 -> 0.6.1',
    ]);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({
      omniintelligence: { from: '0.7.0', to: '0.8.0', matched: true },
      'omninode-claude': { from: '0.3.0', to: '0.4.0', matched: true },
      'omninode-memory': { from: '0.5.0', to: '0.6.1', matched: true },
    });
    expect(readFileSync(f, 'utf8')).toBe(
      'FROM x\nARG OMNIINTELLIGENCE_VERSION=0.8.0\nRUN uv pip install \\\n    omninode-claude[cli]==0.4.0 \\\n    omninode-memory==0.6.1\n',
    );
  });

  it('--dry-run writes nothing', async () => {
    const f = file();
    const r = await ferry(['pins', '--versions', 'omniintelligence=0.8.0', '--dockerfile', f, '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(DOCKERFILE);
  });

  it('unmatched → PIN_UNMATCHED exit 1; --allow-unmatched → matched:false exit 0', async () => {
    const f = file();
    const r = await ferry(['pins', '--versions', 'ghost=1.0.0', '--dockerfile', f]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('error[PIN_UNMATCHED]');
    const ok = await ferry([
      'pins',
      '--versions',
      'ghost=1.0.0,omninode-memory=0.6.1',
      '--dockerfile',
      f,
      '--allow-unmatched',
    ]);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout.trim().split('\n').pop()!).ghost).toEqual({ from: null, to: '1.0.0', matched: false });
  });

  it('a directory as --dockerfile is a usage error (exit 2) that says so', async () => {
    const r = await ferry(['pins', '--versions', 'omniintelligence=0.8.0', '--dockerfile', dir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`error[USAGE]: --dockerfile ${dir}: is a directory, not a Dockerfile`);
  });

  for (const bad of ['a=1.0 b=2.0', 'a=$(id)', 'a;b=1.0', 'a=1.0,,b=2']) {
    it(`rejects --versions ${JSON.stringify(bad)} with exit 2 and writes nothing`, async () => {
      const f = file();
      const r = await ferry(['pins', '--versions', bad, '--dockerfile', f]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain('error[USAGE]');
      expect(readFileSync(f, 'utf8')).toBe(DOCKERFILE);
    });
  }
});
