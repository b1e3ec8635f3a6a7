// Validate real output files against the generated JSON Schemas in schema/.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const cache = new Map<string, ReturnType<typeof ajv.compile>>();

export type SchemaFile =
  | 'state'
  | 'event'
  | 'result'
  | 'release-result'
  | 'redeploy-result'
  | 'error-output'
  | 'runs-list'
  | 'runs-show'
  | 'config-check'
  | 'dashboard'
  | 'mcp-pending';

export function validateAgainst(name: SchemaFile, value: unknown): string[] {
  let v = cache.get(name);
  if (!v) {
    const schema = JSON.parse(
      readFileSync(new URL(`../../schema/${name}.schema.json`, import.meta.url), 'utf8'),
    ) as object;
    v = ajv.compile(schema);
    cache.set(name, v);
  }
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
