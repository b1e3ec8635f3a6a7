// Issue 12 point 5: the new version's section is written in the file's own heading style (Keep a
// Changelog under `## [Unreleased]`, else `## x.y.z (date)`), only when that version has none; the
// dry run says exactly what the real run then does.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { changelogStyle, insertChangelogSection, renderChangelogSection } from '../src/manifest/changelog.js';
import { git } from '../src/testkit/git.js';
import { changelogShape } from './fixtures/shapes/changelogs.js';
import { keepAChangelog } from './fixtures/shapes/files.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';
import { ferry } from './helpers/ferry.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

describe('changelog styles', () => {
  it('Keep a Changelog: `## [1.2.0] - date` right under [Unreleased], above the last release', () => {
    const text = keepAChangelog([{ version: '1.1.0', date: '2026-10-01', notes: ['x'] }]);
    expect(changelogStyle(text)).toBe('keep-a-changelog');
    const section = renderChangelogSection('1.2.0', '2026-12-03', [], 'keep-a-changelog');
    const out = insertChangelogSection(text, '1.2.0', section);
    expect(out).toContain(
      '## [Unreleased]\n\n## [1.2.0] - 2026-12-03\n\n- No notable changes.\n\n## [1.1.0] - 2026-10-01',
    );
    expect(insertChangelogSection(out, '1.2.0', section)).toBe(out);
    expect(changelogStyle('# Changelog\n\n## 1.0.0 (2026-01-01)\n')).toBe('plain');
  });

  it('dry run and real run agree: add in the file’s style, or leave a version that already has a section', async () => {
    const ws = await shapeWorkspace('ferry-changelog-');
    spaces.push(ws);
    const { kac, prewritten } = await changelogShape(ws);
    const cli = (args: string[]) => ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir });
    expect((await cli(['init'])).exitCode).toBe(0);
    const dry = await cli(['release', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const date = new Date().toISOString().slice(0, 10);
    expect(dry.stdout).toMatch(
      new RegExp(`CHANGELOG\\.md: add "## \\[1\\.2\\.0\\] - ${date}" \\(under ## \\[Unreleased\\]\\) from 1 commit`),
    );
    expect(dry.stdout).toMatch(/acme-prewritten\/CHANGELOG\.md: already has a 2\.0\.1 section; left as is/);

    const id = 'release-20261203-chlog1';
    const real = await cli(['release', '--run-id', id, '--gate-attestation', `1764763200.000100:${id}`]);
    expect(real.exitCode, real.stderr).toBe(0);
    const kacLog = await git(kac.remote, ['show', 'main:CHANGELOG.md']);
    expect(kacLog).toMatch(
      new RegExp(`## \\[Unreleased\\]\\n\\n## \\[1\\.2\\.0\\] - ${date}\\n\\n### Features\\n\\n- streaming reader`),
    );
    expect(kacLog).toContain('## [1.1.0] - 2026-10-01');
    const pre = await git(prewritten.remote, ['show', 'main:CHANGELOG.md']);
    expect(pre.match(/## 2\.0\.1/g)).toHaveLength(1);
    expect(pre).toContain('Fix a typo (written by hand)');
  });
});
