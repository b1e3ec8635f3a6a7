// Validate real output files against the generated JSON Schemas in schema/.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaName } from '../../src/schemas.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const cache = new Map<string, ReturnType<typeof ajv.compile>>();

export type SchemaFile = SchemaName;

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

/** The schema of each result's `skill`. */
export const RESULT_OF_SKILL: Record<string, SchemaFile> = {
  release: 'release-result',
  redeploy: 'redeploy-result',
  deploy: 'deploy-result',
  stage: 'stage-result',
  promote: 'promote-result',
  'self-deploy': 'self-deploy-result',
  finalize: 'finalize-result',
  demo: 'demo-result',
  selftest: 'selftest-result',
};

/** Validates a command's last `--json` line: an error line, or the result schema its `skill` names. */
export function validateOutput(value: unknown): string[] {
  const v = value as { ok?: unknown; skill?: unknown } | null;
  if (v?.ok === false) return validateAgainst('error-output', v);
  const name = typeof v?.skill === 'string' ? RESULT_OF_SKILL[v.skill] : undefined;
  return name ? validateAgainst(name, v) : [`no result schema for ${JSON.stringify(v?.skill)}`];
}
