// The shape generators build what real projects have: a remote whose default branch is not main,
// annotated and lightweight tags, and pyprojects that each real backend builds.
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../src/util/process.js';
import { pyproject } from './fixtures/shapes/files.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

describe('shape generators', () => {
  it('a dev-branch repo with mixed tag styles pushes its branches, tags and default branch', async () => {
    const ws = await shapeWorkspace();
    spaces.push(ws);
    const r = await ws.repo('acme-core', { branch: 'dev' });
    await r.commit('initial', pyproject({ name: 'acme-core', version: '0.4.2' }));
    await r.tag('v0.4.2', { message: 'v0.4.2' });
    await r.commit('Fix the parser (#12)', { 'src/acme_core/parse.py': 'x = 1\n' });
    await r.tag('acme-core/v0.4.3');
    await r.push();
    const heads = await r.git(['ls-remote', '--symref', 'origin', 'HEAD']);
    expect(heads).toMatch(/ref: refs\/heads\/dev\s+HEAD/);
    expect(await r.git(['ls-remote', '--tags', 'origin'])).toMatch(/refs\/tags\/acme-core\/v0\.4\.3/);
    expect(await r.git(['rev-parse', '--abbrev-ref', 'origin/HEAD'])).toBe('origin/dev');
    expect(await r.git(['cat-file', '-t', 'v0.4.2'])).toBe('tag');
  });

  it.each(['setuptools', 'hatchling', 'poetry'] as const)(
    'a %s pyproject builds with the real backend',
    async (backend) => {
      const ws = await shapeWorkspace();
      spaces.push(ws);
      const r = await ws.repo(`pkg-${backend}`);
      r.write(pyproject({ name: `acme-${backend}`, version: '1.2', backend, dependencies: ['packaging>=20'] }));
      const args = ['-m', 'build', '--no-isolation', '--wheel', '--outdir', 'dist'];
      if (backend === 'hatchling') args.push('--skip-dependency-check');
      await exec('/usr/bin/python3', args, { cwd: r.dir, timeoutMs: 120_000 });
      expect(readdirSync(join(r.dir, 'dist')).join(' ')).toMatch(
        new RegExp(`acme_${backend}-1\\.2-py3-none-any\\.whl`),
      );
    },
  );
});
