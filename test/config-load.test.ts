import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isFerryError } from '../src/errors.js';
import type { FerryError } from '../src/errors.js';
import { clearSecrets, redact } from '../src/util/redact.js';
import { findConfig, loadConfig, parseConfig, referencedEnvNames } from '../src/config/load.js';

const tmp = mkdtempSync(join(tmpdir(), 'ferry-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => clearSecrets());

let n = 0;
function writeConfig(text: string): { dir: string; file: string } {
  const dir = join(tmp, `c${++n}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'ferry.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

function failure(fn: () => unknown): FerryError {
  try {
    fn();
  } catch (e) {
    if (isFerryError(e)) return e;
    throw e;
  }
  throw new Error('expected a FerryError');
}

/** Load a broken config; assert exit 2 and that nothing was written beside it. */
function loadBroken(text: string): FerryError {
  const { dir, file } = writeConfig(text);
  const before = readdirSync(dir);
  const err = failure(() => loadConfig(file));
  expect(err.exitCode).toBe(2);
  expect(readdirSync(dir)).toEqual(before);
  expect(err.message).toContain(file);
  return err;
}

const VALID = `version: 1
workspace: repos
packages:
  - { name: spi, repo: spi, ecosystem: python, publish: pypi }
  - name: core
    ecosystem: python
    publish: pypi
registries:
  pypi: { kind: pypi, url: "https://upload.pypi.org/legacy/", index: "https://pypi.org" }
`;

describe('loadConfig: valid', () => {
  it('applies defaults and resolves the workspace against the config dir', () => {
    const { dir, file } = writeConfig(VALID);
    const loaded = loadConfig(file);
    expect(loaded.path).toBe(file);
    expect(loaded.dir).toBe(dir);
    expect(loaded.workspaceDir).toBe(join(dir, 'repos'));
    expect(loaded.config.packages.map((p) => [p.name, p.path, p.publish])).toEqual([
      ['spi', '.', 'pypi'],
      ['core', '.', 'pypi'],
    ]);
    expect(loaded.config.release.tag).toBe('{name}/v{version}');
    expect(loaded.config.release.forge).toEqual({ kind: 'git', remote: 'origin' });
  });
});

describe('loadConfig: broken files give file:line:col and the key (acceptance 3)', () => {
  it('wrong type', () => {
    const err = loadBroken(`version: 1
release:
  gate:
    timeout_minutes: soon
`);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(':4:5 release.gate.timeout_minutes: expected number, got string "soon"');
  });

  it('unknown key, with a did-you-mean', () => {
    const err = loadBroken(`version: 1
packages:
  - name: spi
    ecosystem: python
    reop: spi
`);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(':5:5 packages[0].reop: unknown key — did you mean `repo`?');
  });

  it('a template with an unknown or missing placeholder names the key and the placeholders', () => {
    const err = loadBroken(`version: 1
packages:
  - { name: spi, ecosystem: python }
release:
  tag: "{nme}/v{version}"
  branch: "release/{runid}/{repo}"
  commit_message: "release {repo}"
`);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(
      ':5:3 release.tag: unknown placeholder {nme} in "{nme}/v{version}" (expected {name}, {version}, {repo}, {dir})',
    );
    expect(err.message).toContain(
      ':6:3 release.branch: unknown placeholder {runid} in "release/{runid}/{repo}" (expected {run_id}, {repo})',
    );
    expect(loadBroken('version: 1\npackages: []\nrelease:\n  tag: "{name}-latest"\n').message).toContain(
      'release.tag: "{name}-latest" needs {version}',
    );
    // Every placeholder ferry fills is accepted.
    const ok = parseConfig(
      'version: 1\npackages: []\nrelease:\n  tag: "{repo}/{name}@{version}"\n  branch: "r/{run_id}/{repo}"\n  commit_message: "release: {repo} {name} v{version}"\n',
      'ok.yaml',
    );
    expect(ok.release.tag).toBe('{repo}/{name}@{version}');
  });

  it('several problems are listed in file order', () => {
    const err = loadBroken(
      'version: 1\npackages:\n  - { name: a, ecosystem: python }\nrelease:\n  gate: { channels: [tyy] }\n  forge: { kind: gitt }\n',
    );
    const lines = err.message
      .split('\n')
      .slice(1)
      .map((l) => /:(\d+):\d+ (\S+):/.exec(l)?.slice(1, 3));
    expect(lines.slice(0, 2)).toEqual([
      ['5', 'release.gate.channels[0]'],
      ['6', 'release.forge.kind'],
    ]);
    expect(err.fix).toMatch(
      /^edit \S+ferry\.yaml at the lines above, then: ferry config check --config \S+ferry\.yaml$/,
    );
  });

  it('unknown top-level key lists what is expected when nothing is close', () => {
    const err = loadBroken('version: 1\nzzzzzzzz: 1\n');
    expect(err.message).toMatch(/:2:1 zzzzzzzz: unknown key \(expected one of: version, workspace, .*packages/);
  });

  it('missing key points at the parent', () => {
    const err = loadBroken(`version: 1
packages:
  - name: spi
    repo: spi
`);
    expect(err.message).toContain(':3:5 packages[0].ecosystem: missing required key (expected one of "python", "npm")');
  });

  it('missing nested key inside a discriminated union', () => {
    const err = loadBroken(`version: 1
release:
  forge:
    kind: github
`);
    expect(err.message).toContain(':3:3 release.forge.owner: missing required key (expected string)');
  });

  it('wrong discriminator value', () => {
    const err = loadBroken(`version: 1
release:
  forge: { kind: gitlab }
`);
    expect(err.message).toContain(':3:12 release.forge.kind: expected one of "git", "github", got string "gitlab"');
  });

  it('wrong type for a union says what each branch accepts', () => {
    const err = loadBroken('version: 1\npackages:\n  - { name: a, ecosystem: npm, publish: 3 }\n');
    expect(err.message).toContain(':3:32 packages[0].publish: expected string or false, got number 3');
  });

  it('YAML syntax error', () => {
    const err = loadBroken(`version: 1
packages:
  - name: spi
    ecosystem: [python
`);
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/ferry\.yaml:5:1 packages\[0\]\.ecosystem\[0\]: YAML syntax error: Flow sequence/);
  });

  it('YAML syntax error: bad indentation names the key it is under', () => {
    const err = loadBroken(`version: 1
release:
  tag: "{name}/v{version}"
   branch: x
`);
    expect(err.message).toContain(
      'ferry.yaml:4:1 release.tag: YAML syntax error: All mapping items must start at the same column',
    );
  });

  it('duplicate YAML keys are errors', () => {
    const err = loadBroken('version: 1\nworkspace: a\nworkspace: b\n');
    expect(err.message).toMatch(/ferry\.yaml:3:1 .*YAML syntax error: Map keys must be unique/);
  });

  it('cycle in depends_on → DEPENDENCY_CYCLE naming the cycle and the key', () => {
    const err = loadBroken(`version: 1
packages:
  - { name: a, ecosystem: npm, depends_on: [b] }
  - { name: b, ecosystem: npm, depends_on: [c] }
  - { name: c, ecosystem: npm, depends_on: [a] }
`);
    expect(err.code).toBe('DEPENDENCY_CYCLE');
    expect(err.message).toContain(':3:32 packages[0].depends_on: dependency cycle a → b → c → a');
    expect(err.details.cycle).toEqual(['a', 'b', 'c', 'a']);
  });

  it('reports every problem at once, in document order per check', () => {
    const err = loadBroken(`version: 2
workspace: 3
packages:
  - { name: "has space", ecosystem: python }
`);
    const lines = err.message.split('\n');
    expect(lines[0]).toMatch(/3 problems in config$/);
    expect(lines.slice(1).map((l) => l.replace(/^.*ferry\.yaml:/, ''))).toEqual([
      '1:1 version: expected `version: 1`, got number 2',
      '2:1 workspace: expected string, got number 3',
      '4:7 packages[0].name: expected a package name: letters, digits and . _ - with an optional npm @scope/ (no spaces or shell characters)',
    ]);
    expect(err.details.issues).toHaveLength(3);
  });

  it('duplicate package names and unknown registries', () => {
    const err = loadBroken(`version: 1
packages:
  - { name: omnibase-spi, ecosystem: python }
  - { name: omnibase_spi, ecosystem: python, publish: pypi }
  - { name: x, ecosystem: npm, depends_on: [nope] }
`);
    expect(err.message).toContain(':4:7 packages[1].name: duplicate package name omnibase_spi (also packages[0])');
    expect(err.message).toContain(
      ':4:46 packages[1].publish: unknown registry "pypi" (expected a key under registries: none defined, or false)',
    );
    expect(err.message).toContain(':5:45 packages[2].depends_on[0]: unknown package "nope"');
  });

  it('a tag that names no package is refused when one repo holds several packages (their tags would collide)', () => {
    const err = loadBroken(`version: 1
packages:
  - { name: "@acme/ui", repo: web, path: packages/ui, ecosystem: npm }
  - { name: "@acme/api", repo: web, path: packages/api, ecosystem: npm }
release:
  tag: "v{version}"
`);
    expect(err.message).toContain(
      ':6:3 release.tag: repo web holds @acme/ui and @acme/api, whose tags would collide (v1.0.0): use {name} or {dir}',
    );
    expect(() =>
      parseConfig(
        'version: 1\npackages:\n  - { name: a, ecosystem: npm }\nrelease:\n  tag: "v{version}"\n',
        'ferry.yaml',
      ),
    ).not.toThrow();
    // Per-package templates: {dir} tells monorepo members apart; one that repeats a sibling's tag is refused.
    const members = (uiTag: string): string =>
      `version: 1\npackages:\n  - { name: "@acme/ui", repo: web, path: packages/ui, ecosystem: npm, tag: "${uiTag}" }\n  - { name: "@acme/api", repo: web, path: packages/api, ecosystem: npm, tag: "{dir}-v{version}" }\n`;
    expect(() => parseConfig(members('{dir}-v{version}'), 'ferry.yaml')).not.toThrow();
    expect(() => parseConfig(members('api-v{version}'), 'ferry.yaml')).toThrow(
      /packages\[1\]\.tag: repo web holds @acme\/ui and @acme\/api, whose tags would collide \(api-v1\.0\.0\)/,
    );
    expect(() => parseConfig(members('v{version}-{version}'), 'ferry.yaml')).toThrow(/\{version\} exactly once/);
  });

  it('bad repo and path values (shell-ish or escaping the repo) are rejected with their line', () => {
    const err = loadBroken(`version: 1
packages:
  - name: a
    ecosystem: npm
    repo: "-rf"
    path: ../../etc
`);
    expect(err.message).toContain(':5:5 packages[0].repo: expected a directory under workspace or a git URL');
    expect(err.message).toContain(':6:5 packages[0].path: expected a relative path inside the repo');
  });

  it('an empty file says what is missing', () => {
    const err = loadBroken('');
    expect(err.message).toContain(':1:1 version: missing required key');
  });

  it('a top-level list is not a config', () => {
    const err = loadBroken('- a\n- b\n');
    expect(err.message).toContain(':1:1 (root): expected object, got a list');
  });
});

describe('parseConfig is pure', () => {
  it('accepts the DESIGN.md sketch packages', () => {
    const c = parseConfig(
      'version: 1\npackages:\n  - { name: omnibase_spi, repo: omnibase_spi, ecosystem: python, tier: 1 }\n',
      'x.yaml',
    );
    expect(c.packages[0]?.tier).toBe(1);
  });
});

describe('findConfig', () => {
  it('walks up from a subdirectory', () => {
    const { dir, file } = writeConfig(VALID);
    const deep = join(dir, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    expect(findConfig(deep)).toBe(file);
  });

  it('uses an explicit path relative to cwd', () => {
    const { dir, file } = writeConfig(VALID);
    expect(findConfig(join(dir, '..'), join(dir.split('/').pop() as string, 'ferry.yaml'))).toBe(file);
  });

  it('CONFIG_NOT_FOUND with fix `ferry init`', () => {
    const lonely = mkdtempSync(join(tmpdir(), 'ferry-noconfig-'));
    try {
      const err = failure(() => findConfig(lonely));
      expect(err.code).toBe('CONFIG_NOT_FOUND');
      expect(err.fix).toBe('ferry init');
      expect(err.exitCode).toBe(2);
      expect(failure(() => findConfig(lonely, 'missing.yaml')).code).toBe('CONFIG_NOT_FOUND');
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });
});

describe('env files', () => {
  it('reads env_files as data and registers secret-looking and referenced values for redaction', () => {
    const { dir, file } = writeConfig(`version: 1
env_files: [secrets.env, missing.env]
release:
  forge: { kind: github, owner: acme, token_env: GH_PAT }
`);
    writeFileSync(
      join(dir, 'secrets.env'),
      'export DB_PASSWORD="pa ss\\nword"\nGH_PAT=ghp_abcdef123456 # comment\nPLAIN=$(touch pwned)\n',
    );
    const loaded = loadConfig(file, { env: { HOME: '/root' } });
    expect(loaded.envFromFiles).toEqual({
      DB_PASSWORD: 'pa ss\nword',
      GH_PAT: 'ghp_abcdef123456',
      PLAIN: '$(touch pwned)',
    });
    expect(loaded.env.HOME).toBe('/root');
    expect(loaded.warnings).toEqual([`env file not found: ${join(dir, 'missing.env')} (from env_files in ${file})`]);
    expect(readdirSync(dir)).not.toContain('pwned');
    expect(redact('token ghp_abcdef123456 and pa ss\nword')).toBe('token *** and ***');
    expect(redact('$(touch pwned)')).toBe('$(touch pwned)');
  });

  it('registers values of variables the config names (token_env…) from the process environment', () => {
    const { file } = writeConfig('version: 1\nrelease:\n  forge: { kind: github, owner: acme, token_env: MY_PAT }\n');
    loadConfig(file, { env: { MY_PAT: 'pat-value-123', GIT_AUTHOR_NAME: 'Jane Doe' } });
    expect(redact('pat-value-123 by Jane Doe')).toBe('*** by Jane Doe');
  });

  it('the process environment wins over env files', () => {
    const { dir, file } = writeConfig('version: 1\nenv_files: [a.env]\n');
    writeFileSync(join(dir, 'a.env'), 'X=from-file\nY=file-only\n');
    const loaded = loadConfig(file, { env: { X: 'from-env' } });
    expect(loaded.env.X).toBe('from-env');
    expect(loaded.env.Y).toBe('file-only');
  });

  it('a malformed env file is CONFIG_INVALID with file:line', () => {
    const { dir, file } = writeConfig('version: 1\nenv_files: [bad.env]\n');
    writeFileSync(join(dir, 'bad.env'), 'OK=1\nnot a line\n');
    const err = failure(() => loadConfig(file));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`${join(dir, 'bad.env')}:2 expected KEY=VALUE`);
  });

  it('referencedEnvNames finds *_env keys, required_env lists and secret key maps', () => {
    expect(
      referencedEnvNames({
        notify: { slack: { token_env: 'SLACK_BOT_TOKEN', channel_env: 'SLACK_CHANNEL_ID' } },
        redeploy: {
          required_env: { DEPLOY: ['POSTGRES_PASSWORD'] },
          secrets: { keys: { K: 'KAFKA_PW' } },
          env_file: 'x.env',
        },
        env_files: ['a.env'],
      }),
    ).toEqual(['KAFKA_PW', 'POSTGRES_PASSWORD', 'SLACK_BOT_TOKEN', 'SLACK_CHANNEL_ID']);
  });
});
