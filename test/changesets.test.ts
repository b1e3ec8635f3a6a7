import { describe, expect, it } from 'vitest';
import { changesetBumps, changesetGroups, consumeChangeset, parseChangeset } from '../src/release/changesets.js';

describe('changeset intents (issue 19.1, reading)', () => {
  it('reads "pkg": bump frontmatter and the summary; a file without frontmatter holds none', () => {
    const text = '---\n"@acme/core": minor\n"@acme/ui": patch\n---\n\nAdd streaming to the client.\n';
    expect(parseChangeset('.changeset/brave-owls.md', text)).toEqual([
      {
        package: '@acme/core',
        bump: 'minor',
        file: '.changeset/brave-owls.md',
        summary: 'Add streaming to the client.',
        packages: ['@acme/core', '@acme/ui'],
      },
      {
        package: '@acme/ui',
        bump: 'patch',
        file: '.changeset/brave-owls.md',
        summary: 'Add streaming to the client.',
        packages: ['@acme/core', '@acme/ui'],
      },
    ]);
    expect(parseChangeset('.changeset/README.md', '# Changesets\n')).toEqual([]);
    expect(parseChangeset('.changeset/empty.md', '---\n---\n\nNothing.\n')).toEqual([]);
  });

  it('a bad bump or a non-map frontmatter is CONFIG_INVALID naming the file', () => {
    expect(() => parseChangeset('.changeset/x.md', '---\ncore: huge\n---\n')).toThrow(
      /\.changeset\/x\.md: "core": "huge" is not major, minor or patch/,
    );
    expect(() => parseChangeset('.changeset/y.md', '---\n- core\n---\n')).toThrow(/not a map/);
  });

  it('the highest bump per package wins and every file that asked is listed', () => {
    const bumps = changesetBumps([
      ...parseChangeset('.changeset/a.md', '---\ncore: patch\n---\nfix\n'),
      ...parseChangeset('.changeset/b.md', '---\ncore: minor\nui: patch\n---\nfeat\n'),
    ]);
    expect(bumps.get('core')).toEqual({ bump: 'minor', files: ['.changeset/a.md', '.changeset/b.md'] });
    expect(bumps.get('ui')).toEqual({ bump: 'patch', files: ['.changeset/b.md'] });
  });

  it('consuming a file drops the released package; the last one deletes it; a second consume changes nothing', () => {
    const text = '---\n"@acme/core": minor\n"@acme/ui": patch\n---\n\nAdd streaming.\n';
    const afterCore = consumeChangeset('.changeset/a.md', text, '@acme/core');
    expect(afterCore).toBe('---\n"@acme/ui": patch\n---\n\nAdd streaming.\n');
    expect(parseChangeset('.changeset/a.md', afterCore!)).toEqual([
      {
        package: '@acme/ui',
        bump: 'patch',
        file: '.changeset/a.md',
        summary: 'Add streaming.',
        packages: ['@acme/ui'],
      },
    ]);
    expect(consumeChangeset('.changeset/a.md', afterCore!, '@acme/core')).toBe(afterCore);
    expect(consumeChangeset('.changeset/a.md', afterCore!, '@acme/ui')).toBeNull();
    expect(consumeChangeset('.changeset/README.md', '# Changesets\n', 'x')).toBe('# Changesets\n');
  });

  it("CHANGELOG groups use changesets' headings; a summary of several lines stays one item", () => {
    expect(
      changesetGroups([
        { bump: 'patch', summary: 'Fix the parser.' },
        { bump: 'minor', summary: 'Add streaming.\n\nIt is faster.' },
        { bump: 'patch', summary: '' },
      ]),
    ).toBe('### Minor Changes\n\n- Add streaming.\n\n  It is faster.\n\n### Patch Changes\n\n- Fix the parser.');
  });
});
