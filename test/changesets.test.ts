import { describe, expect, it } from 'vitest';
import { changesetBumps, parseChangeset } from '../src/release/changesets.js';

describe('changeset intents (issue 19.1, reading)', () => {
  it('reads "pkg": bump frontmatter and the summary; a file without frontmatter holds none', () => {
    const text = '---\n"@acme/core": minor\n"@acme/ui": patch\n---\n\nAdd streaming to the client.\n';
    expect(parseChangeset('.changeset/brave-owls.md', text)).toEqual([
      {
        package: '@acme/core',
        bump: 'minor',
        file: '.changeset/brave-owls.md',
        summary: 'Add streaming to the client.',
      },
      { package: '@acme/ui', bump: 'patch', file: '.changeset/brave-owls.md', summary: 'Add streaming to the client.' },
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
});
