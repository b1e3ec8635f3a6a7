// schema/*.json must be what the zod types generate today (run `npm run schema` after changing them).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsonSchemas } from '../src/schemas.js';

const DIR = fileURLToPath(new URL('../schema/', import.meta.url));

describe('schema/', () => {
  const generated = jsonSchemas();
  it('has exactly the generated files', () => {
    expect(readdirSync(DIR).sort()).toEqual(
      Object.keys(generated)
        .map((n) => `${n}.schema.json`)
        .sort(),
    );
  });
  for (const [name, json] of Object.entries(generated)) {
    it(`${name}.schema.json is up to date`, () => {
      expect(JSON.parse(readFileSync(`${DIR}${name}.schema.json`, 'utf8'))).toEqual(json);
    });
  }
});
