// Issue 12 point 7 (part): `ferry config check` fails on a `path:` that holds no manifest in a cloned
// repo (it said ok and `ferry release` stopped later).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changelogShape } from './fixtures/shapes/changelogs.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { ferry } from './helpers/ferry.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

describe('config check on package paths', () => {
  it('a path with no manifest fails with the file:line of path:', async () => {
    const ws = await shapeWorkspace('ferry-path-');
    spaces.push(ws);
    await changelogShape(ws);
    const cli = (args: string[]) => ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });
    expect((await cli(['init'])).exitCode).toBe(0);
    expect((await cli(['config', 'check'])).exitCode).toBe(0);
    const cfg = join(ws.dir, 'ferry.yaml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('repo: acme-kac,', 'repo: acme-kac, path: packages/kac,'));
    const r = await cli(['config', 'check']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `ferry\\.yaml:\\d+:\\d+ packages\\[\\d\\]\\.path: no pyproject\\.toml in ${join(ws.dir, 'acme-kac', 'packages', 'kac')} \\(acme-kac's package directory inside repo acme-kac\\)`,
      ),
    );
  });
});
