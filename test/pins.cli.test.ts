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

  it('unmatched → PIN_UNMATCHED exit 2 (bad input); --allow-unmatched → matched:false exit 0', async () => {
    const f = file();
    const r = await ferry(['pins', '--versions', 'ghost=1.0.0', '--dockerfile', f]);
    expect(r.exitCode).toBe(2);
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

  it('range pins: --dry-run previews every change with its line; floor keeps the range; out of range and downgrade are PIN_CONFLICT', async () => {
    const f = join(dir, 'Dockerfile.ranges');
    const ranges = 'FROM x\nRUN pip install "omniintelligence>=0.8.0,<2.0.0" omnimemory~=0.7 omniclaude==0.3.0\n';
    writeFileSync(f, ranges);
    const v = 'omniintelligence=0.10.0,omnimemory=0.9.1,omniclaude=0.4.0';
    const dry = await ferry(['pins', '--versions', v, '--dockerfile', f, '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr).toContain(`[DRY RUN] ${f} would change:`);
    expect(dry.stderr).toContain(`  omniintelligence: >=0.8.0,<2.0.0 -> ==0.10.0  (${f}:2)`);
    expect(dry.stderr).toContain(`  omnimemory: ~=0.7 -> ==0.9.1  (${f}:2)`);
    expect(dry.stderr).toContain(`  omniclaude: ==0.3.0 -> ==0.4.0  (${f}:2)`);
    expect(readFileSync(f, 'utf8')).toBe(ranges);
    const floor = await ferry(['pins', '--versions', v, '--dockerfile', f, '--range-pins', 'floor']);
    expect(floor.exitCode, floor.stderr).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(
      'FROM x\nRUN pip install "omniintelligence>=0.10.0,<2.0.0" omnimemory>=0.9.1,<1 omniclaude==0.4.0\n',
    );
    const above = await ferry(['pins', '--versions', 'omniintelligence=2.1.0', '--dockerfile', f]);
    expect(above.exitCode).toBe(2);
    expect(above.stderr).toContain(
      `error[PIN_CONFLICT]: ${f}:2: omniintelligence >=0.10.0,<2.0.0 does not admit 2.1.0`,
    );
    const down = await ferry(['pins', '--versions', 'omniclaude=0.3.9', '--dockerfile', f]);
    expect(down.exitCode).toBe(2);
    expect(down.stderr).toContain('would go down to 0.3.9');
    const allowed = await ferry(['pins', '--versions', 'omniclaude=0.3.9', '--dockerfile', f, '--allow-downgrade']);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(readFileSync(f, 'utf8')).toContain('omniclaude==0.3.9');
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
