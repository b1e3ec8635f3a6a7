// The reference docs are generated from the code and complete: every ferry.yaml key (walked from the zod
// schema independently of the generator), every error code, every JSON output. `npm run docs` regenerates.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';
import { ErrorCode } from '../src/errors.js';
import { FILE_SCHEMAS } from '../src/schemas.js';
import { ERROR_DOCS } from '../src/docs/error-docs.js';
import { generatedFiles, undocumentedKeys } from '../src/docs/generate.js';
import { ferry } from './helpers/ferry.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(`${ROOT}${p}`, 'utf8');

/** Every property name at every depth of a JSON Schema, as a dotted path without the <name>/[] markers. */
function leafNames(s: Record<string, unknown>, path: string[] = [], out = new Set<string>()): Set<string> {
  const props = s.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [k, v] of Object.entries(props ?? {})) {
    out.add([...path, k].join('.'));
    leafNames(v, [...path, k], out);
  }
  for (const v of [...((s.oneOf ?? s.anyOf ?? []) as Record<string, unknown>[])]) leafNames(v, path, out);
  if (s.items) leafNames(s.items as Record<string, unknown>, path, out);
  if (typeof s.additionalProperties === 'object')
    leafNames(s.additionalProperties as Record<string, unknown>, path, out);
  return out;
}

describe('generated reference docs', () => {
  const files = generatedFiles();
  for (const [path, text] of Object.entries(files)) {
    it(`${path} is up to date (else: npm run docs)`, () => {
      expect(read(path)).toBe(text);
    });
  }

  it('docs/config.md lists every ferry.yaml key, each with a description', () => {
    const doc = read('docs/config.md');
    const documented = new Set(
      [...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!.replace(/\.<name>/g, '').replace(/\[\]/g, '')),
    );
    const keys = leafNames(z.toJSONSchema(configSchema, { io: 'input' }) as Record<string, unknown>);
    expect(keys.size).toBeGreaterThan(100);
    expect([...keys].filter((k) => !documented.has(k))).toEqual([]);
    expect(undocumentedKeys()).toEqual([]);
    // Types and defaults come from the schema, e.g.:
    expect(doc).toContain('| `release.gate.timeout_minutes` | `number` | `60` |');
    expect(doc).toContain('| `registries.<name>.token_env` | `string` | `"PYPI_TOKEN"` | (kind: pypi)');
  });

  it('docs/errors.md explains every error code', () => {
    const doc = read('docs/errors.md');
    const headings = [...doc.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(Object.values(ErrorCode));
    for (const c of Object.values(ErrorCode)) {
      expect(ERROR_DOCS[c].meaning.length, c).toBeGreaterThan(20);
      expect(ERROR_DOCS[c].action.length, c).toBeGreaterThan(10);
    }
  });

  it('docs/json-outputs.md has every output, linked to its schema file', () => {
    const doc = read('docs/json-outputs.md');
    for (const name of Object.keys(FILE_SCHEMAS)) {
      expect(doc).toContain(`## ${name}\n`);
      expect(doc).toContain(`(../schema/${name}.schema.json)`);
    }
  });

  it('the README links the references', () => {
    const readme = read('README.md');
    for (const p of ['docs/config.md', 'docs/errors.md', 'docs/json-outputs.md', 'docs/getting-started.md'])
      expect(readme).toContain(`(${p})`);
  });
});

describe('ferry explain', () => {
  it('prints the meaning and what to do for a code, case-insensitively', async () => {
    const r = await ferry(['explain', 'tag_conflict']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('TAG_CONFLICT');
    expect(r.stdout).toContain(ERROR_DOCS.TAG_CONFLICT.meaning);
    expect(r.stdout).toContain(`What to do: ${ERROR_DOCS.TAG_CONFLICT.action}`);
    expect(r.stdout).toContain('Exit status 1.');
  });

  it('lists every code without an argument, and gives JSON under --json', async () => {
    const list = await ferry(['explain']);
    // The one table style: a header, its rule, one row per code.
    const lines = list.stdout.trim().split('\n');
    expect(lines).toHaveLength(Object.values(ErrorCode).length + 2);
    expect(lines[0]).toMatch(/^code +\| exit \| meaning$/);
    expect(lines.find((l) => l.startsWith('USAGE '))).toMatch(/^USAGE +\| 2 +\| /);
    const json = await ferry(['explain', 'USAGE', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ code: 'USAGE', exit_status: 2 });
  });

  it('colours only when asked: FORCE_COLOR wins over NO_COLOR and a pipe; --no-color and FORCE_COLOR=0 win over it', async () => {
    const bold = '\u001b[1mTAG_CONFLICT';
    expect((await ferry(['explain', 'TAG_CONFLICT'])).stdout).not.toContain(bold);
    expect((await ferry(['explain', 'TAG_CONFLICT'], { env: { FORCE_COLOR: '1' } })).stdout).toContain(bold);
    expect((await ferry(['explain', 'TAG_CONFLICT'], { env: { FORCE_COLOR: '0' } })).stdout).not.toContain(bold);
    expect(
      (await ferry(['--no-color', 'explain', 'TAG_CONFLICT'], { env: { FORCE_COLOR: '1' } })).stdout,
    ).not.toContain(bold);
  });

  it('refuses an unknown code with a usage error that suggests near ones', async () => {
    const r = await ferry(['explain', 'TAG']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error[USAGE]: no error code "TAG"; did you mean');
    expect(r.stderr).toContain('TAG_CONFLICT');
  });
});
