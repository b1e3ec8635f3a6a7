// Where a pyproject's version comes from, per backend (issue 19.5). Pure.
import { describe, expect, it } from 'vitest';
import { pythonVersionSource } from '../src/manifest/version-source.js';
import { checkVcsTag } from '../src/release/versions/dynamic.js';

const dyn = (requires: string, rest = '', backend = 'hatchling.build') =>
  `[build-system]\nrequires = [${requires}]\nbuild-backend = "${backend}"\n\n[project]\nname = "acme-core"\ndynamic = ["version"]\n\n${rest}`;

describe('pythonVersionSource', () => {
  it('static keys, PEP 621 and poetry', () => {
    expect(pythonVersionSource('[project]\nname = "a"\nversion = "1.0"\n')).toEqual({ kind: 'static' });
    expect(pythonVersionSource('[tool.poetry]\nname = "a"\nversion = "1.0"\n')).toEqual({ kind: 'static' });
  });

  it('git tags: hatch-vcs, setuptools-scm, uv-dynamic-versioning, poetry-dynamic-versioning, pdm scm', () => {
    expect(pythonVersionSource(dyn('"hatchling", "hatch-vcs"', '[tool.hatch.version]\nsource = "vcs"\n'))).toEqual({
      kind: 'vcs',
      backend: 'hatch-vcs',
    });
    expect(pythonVersionSource(dyn('"setuptools>=64", "setuptools-scm>=8"', '[tool.setuptools_scm]\n'))).toEqual({
      kind: 'vcs',
      backend: 'setuptools-scm',
    });
    // setuptools-scm in requires alone is enough (its own docs' minimal setup).
    expect(pythonVersionSource(dyn('"setuptools", "setuptools_scm[toml]"'))).toEqual({
      kind: 'vcs',
      backend: 'setuptools-scm',
    });
    expect(
      pythonVersionSource(
        dyn('"hatchling", "uv-dynamic-versioning"', '[tool.hatch.version]\nsource = "uv-dynamic-versioning"\n'),
      ),
    ).toEqual({ kind: 'vcs', backend: 'uv-dynamic-versioning' });
    expect(
      pythonVersionSource(
        '[tool.poetry]\nname = "a"\nversion = "0.0.0"\n\n[tool.poetry-dynamic-versioning]\nenable = true\n',
      ),
    ).toEqual({ kind: 'vcs', backend: 'poetry-dynamic-versioning' });
    expect(pythonVersionSource(dyn('"pdm-backend"', '[tool.pdm.version]\nsource = "scm"\n', 'pdm.backend'))).toEqual({
      kind: 'vcs',
      backend: 'pdm-backend',
    });
  });

  it('a module __version__: hatch path, setuptools attr (src layout first), flit', () => {
    expect(pythonVersionSource(dyn('"hatchling"', '[tool.hatch.version]\npath = "src/acme/__about__.py"\n'))).toEqual({
      kind: 'file',
      backend: 'hatchling',
      candidates: ['src/acme/__about__.py'],
    });
    expect(
      pythonVersionSource(
        dyn(
          '"setuptools"',
          '[tool.setuptools.dynamic]\nversion = { attr = "acme.core.__version__" }\n',
          'setuptools.build_meta',
        ),
      ),
    ).toEqual({
      kind: 'file',
      backend: 'setuptools',
      candidates: ['src/acme/core/__init__.py', 'acme/core/__init__.py', 'src/acme/core.py', 'acme/core.py'],
    });
    expect(pythonVersionSource(dyn('"flit_core>=3.4"', '', 'flit_core.buildapi'))).toMatchObject({
      kind: 'file',
      backend: 'flit',
      candidates: ['src/acme_core/__init__.py', 'acme_core/__init__.py', 'src/acme_core.py', 'acme_core.py'],
    });
  });

  it('what ferry can neither read nor write is unreadable, with the reason', () => {
    const cases: [string, RegExp][] = [
      ['[project]\nname = "a"\n', /no version in \[project\] and no dynamic/],
      [dyn('"setuptools"', '[tool.setuptools.dynamic]\nversion = { file = "VERSION" }\n'), /plain file/],
      [dyn('"setuptools"', '[tool.setuptools.dynamic]\nversion = { attr = "acme.VERSION" }\n'), /acme\.VERSION/],
      [dyn('"hatchling"', '[tool.hatch.version]\npath = "v.py"\npattern = "V = (?P<version>.+)"\n'), /custom pattern/],
      [dyn('"hatchling"'), /source ferry does not know/],
      ['not toml [', /not valid TOML/],
    ];
    for (const [text, why] of cases) {
      const s = pythonVersionSource(text);
      expect(s.kind, text).toBe('unreadable');
      expect(s.kind === 'unreadable' && s.why, text).toMatch(why);
    }
  });
});

describe('checkVcsTag (the tag a VCS plugin will read)', () => {
  const scm = { kind: 'vcs' as const, backend: 'setuptools-scm' };
  it('accepts tags setuptools-scm parses as the version', () => {
    expect(() => checkVcsTag('acme-core', scm, 'v1.3.1', '1.3.1')).not.toThrow();
    expect(() => checkVcsTag('acme-core', scm, 'acme-core-v1.3.1', '1.3.1')).not.toThrow();
    expect(() => checkVcsTag('acme-core', scm, '1.3.1rc1', '1.3.1rc1')).not.toThrow();
  });
  it('refuses a tag it would not read, unless the project sets its own tag regex or uses another plugin', () => {
    expect(() => checkVcsTag('acme-core', scm, 'acme-core/v1.3.1', '1.3.1')).toThrow(
      /acme-core: setuptools-scm reads its version from tags like v1\.3\.1 or acme-core-v1\.3\.1; the release tag acme-core\/v1\.3\.1 would not build as 1\.3\.1/,
    );
    expect(() => checkVcsTag('a', { ...scm, custom_tags: true }, 'a/v1.0.0', '1.0.0')).not.toThrow();
    expect(() => checkVcsTag('a', { kind: 'vcs', backend: 'uv-dynamic-versioning' }, 'a/v1', '1')).not.toThrow();
  });
  it('sees tag_regex / tag-pattern in the pyproject', () => {
    const text = dyn(
      '"hatchling", "hatch-vcs"',
      '[tool.hatch.version]\nsource = "vcs"\ntag-pattern = "a/v(?P<version>.*)"\n',
    );
    expect(pythonVersionSource(text)).toEqual({ kind: 'vcs', backend: 'hatch-vcs', customTags: true });
  });
});
