// Issue 19 point 1 on a generated changesets workspace (real git, real bare remote), as a new user
// runs ferry: `ferry init`, `ferry release --dry-run`, then a real release. The plan names the
// changeset file behind each bump; the release commit deletes the consumed files and the CHANGELOGs
// carry their summaries.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { ferry } from './helpers/ferry.js';
import { planRowOf } from './helpers/plan-table.js';
import { addChangeset, changesetsShape } from './fixtures/shapes/changesets.js';
import { shapeWorkspace, type ShapeRepo, type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { git } from '../src/testkit/git.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

const cli = (ws: ShapeWorkspace, args: string[]) =>
  ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });

async function workspace(
  intents?: 'auto' | 'conventional' | 'changesets',
): Promise<{ ws: ShapeWorkspace; r: ShapeRepo }> {
  const ws = await shapeWorkspace('ferry-changesets-');
  spaces.push(ws);
  const r = await changesetsShape(ws);
  await addChangeset(r, 'brave-owls', { '@acme/core': 'minor' }, 'Add streaming to the client.');
  await addChangeset(
    r,
    'calm-cats',
    { '@acme/core': 'patch', '@acme/docs': 'patch' },
    'Fix the parser.\n\nIt no longer drops the last line.',
  );
  await r.commit('fix: tidy the ui (no changeset)', { 'packages/ui/src/tidy.js': 'module.exports = 1;\n' });
  await r.push();
  const init = await cli(ws, ['init']);
  expect(init.exitCode, init.stderr).toBe(0);
  // init read .changeset/config.json (intents: changesets, cascade: out-of-range); a test may set others.
  const path = join(ws.dir, 'ferry.yaml');
  const doc = parseDocument(readFileSync(path, 'utf8'));
  expect(doc.getIn(['release', 'intents'])).toBe('changesets');
  if (intents) doc.setIn(['release', 'intents'], intents);
  writeFileSync(path, doc.toString());
  return { ws, r };
}

describe('changeset intents (issue 19.1)', () => {
  it('changesets mode: bumps come from the files (highest wins), the plan names them; a commit without one releases nothing', async () => {
    const { ws } = await workspace();
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'web:@acme/core')).toMatchObject({ current: '1.0.0', new: '1.1.0', bump: 'minor' });
    expect(planRowOf(dry.stdout, 'web:@acme/docs')).toMatchObject({ new: '0.1.1', bump: 'patch' });
    // `fix:` is a conventional commit, but in changesets mode only a changeset asks for a release.
    expect(planRowOf(dry.stdout, 'web:@acme/ui')).toMatchObject({ new: '-', status: 'NOTHING_TO_RELEASE' });
    expect(dry.stdout).toMatch(
      /web:@acme\/core +minor +\.changeset\/brave-owls\.md \(minor\), \.changeset\/calm-cats\.md \(patch\)/,
    );
    expect(dry.stdout).toMatch(/web:@acme\/docs +patch +\.changeset\/calm-cats\.md \(patch\)/);
    expect(dry.stdout).toContain('web:@acme/ui: 1 commit, no changeset names it: nothing to release');
    expect(dry.stdout + dry.stderr).toMatch(/\.changeset\/brave-owls\.md: delete \(consumed\)/);
  });

  it('auto (the default without .changeset/config.json): a conventional commit and the changesets both count', async () => {
    const { ws } = await workspace('auto');
    const dry = await cli(ws, ['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(planRowOf(dry.stdout, 'web:@acme/core')).toMatchObject({ new: '1.1.0', bump: 'minor' });
    expect(planRowOf(dry.stdout, 'web:@acme/ui')).toMatchObject({ new: '1.0.1', bump: 'patch', status: 'PLANNED' });
  });

  it('the release deletes the consumed files in the release commit and writes their summaries into the CHANGELOGs', async () => {
    const { ws, r } = await workspace();
    const id = 'release-20261203-chset1';
    const real = await cli(ws, ['release', '--run-id', id, '--gate-attestation', `1764763200.000100:${id}`]);
    expect(real.exitCode, real.stderr).toBe(0);
    const tree = await git(r.remote, ['ls-tree', '--name-only', 'main', '.changeset/']);
    expect(tree.split('\n').sort()).toEqual(['.changeset/README.md', '.changeset/config.json']);
    const core = await git(r.remote, ['show', 'main:packages/core/CHANGELOG.md']);
    expect(core).toMatch(/## 1\.1\.0 \(\d{4}-\d{2}-\d{2}\)/);
    expect(core).toMatch(
      /### Minor Changes\n\n- Add streaming to the client\.\n\n### Patch Changes\n\n- Fix the parser\.\n\n {2}It no longer drops the last line\./,
    );
    expect(await git(r.remote, ['show', 'main:packages/docs/CHANGELOG.md'])).toContain('- Fix the parser.');
    // The deletions are in a release commit (not a commit of their own).
    const deleted = await git(r.remote, ['log', '--format=%s', '--diff-filter=D', 'main', '--', '.changeset/']);
    expect(deleted.split('\n').every((s) => s.startsWith('release: web'))).toBe(true);
    expect(await git(r.remote, ['tag', '--list', '@acme/core@*'])).toContain('@acme/core@1.1.0');

    // Nothing left to consume: the next plan releases nothing.
    const again = await cli(ws, ['release', '--dry-run']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('NOTHING_TO_RELEASE');
    expect(planRowOf(again.stdout, 'web:@acme/core')).toMatchObject({ status: 'NOTHING_TO_RELEASE' });
  });
});
