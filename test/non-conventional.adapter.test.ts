// Issue 19 point 2 on generated repos with non-conventional histories (real git, real bare
// remotes), as a new user runs ferry: `ferry init`, then `ferry release --dry-run`.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ferry } from './helpers/ferry.js';
import { planRowOf } from './helpers/plan-table.js';
import { idlePackageShape, nonConventionalShape } from './fixtures/shapes/non-conventional.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

async function workspace(): Promise<ShapeWorkspace> {
  const ws = await shapeWorkspace('ferry-nonconv-');
  spaces.push(ws);
  await nonConventionalShape(ws);
  await idlePackageShape(ws);
  const init = await cli(ws, ['init']);
  expect(init.exitCode, init.stderr).toBe(0);
  return ws;
}
const cli = (ws: ShapeWorkspace, args: string[]) =>
  ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });

describe('non-conventional histories (issue 19.2)', () => {
  it('default none: the plan says the commits are none conventional, never "no unreleased commits"', async () => {
    const ws = await workspace();
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      'meadow: 3 commits, none conventional: nothing to release; use --bump or release.default_bump',
    );
    expect(dry.stdout).not.toContain('no unreleased commits');
    expect(planRowOf(dry.stdout, 'meadow')).toMatchObject({ commits: '3', status: 'NOTHING_TO_RELEASE' });
  });

  it('release.default_bump patch releases the non-conventional commits; --bump applies to a named idle package', async () => {
    const ws = await workspace();
    const path = join(ws.dir, 'ferry.yaml');
    writeFileSync(path, `${readFileSync(path, 'utf8')}\nrelease:\n  default_bump: patch\n`);
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'meadow')).toMatchObject({ current: '1.2.0', new: '1.2.1', bump: 'patch' });
    expect(planRowOf(dry.stdout, 'brook')).toMatchObject({ commits: '0', status: 'NOTHING_TO_RELEASE' });

    const named = await cli(ws, ['release', 'brook', '--bump', 'patch', '--dry-run']);
    expect(named.exitCode, named.stderr).toBe(0);
    expect(planRowOf(named.stdout, 'brook')).toMatchObject({ current: '0.5.0', new: '0.5.1', commits: '0' });
  });
});
