// The shipped example configs stay valid against the schema as it evolves.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

describe('examples', () => {
  const dirs = readdirSync(EXAMPLES);
  it('has the seed organisation example', () => {
    expect(dirs).toContain('omninode');
  });
  for (const d of dirs) {
    it(`${d}/ferry.yaml is a valid config`, () => {
      const file = join(EXAMPLES, d, 'ferry.yaml');
      const config = parseConfig(readFileSync(file, 'utf8'), file);
      expect(config.version).toBe(1);
    });
  }
  it('omninode reproduces the seed tier graph and redeploy constants', () => {
    const file = join(EXAMPLES, 'omninode', 'ferry.yaml');
    const c = parseConfig(readFileSync(file, 'utf8'), file);
    expect(c.packages.map((p) => [p.name, p.tier])).toEqual([
      ['omnibase_spi', 1],
      ['omnibase_core', 2],
      ['omnibase_infra', 3],
      ['omniintelligence', 3],
      ['omnimemory', 3],
      ['omniclaude', 4],
    ]);
    expect(c.redeploy?.verify.container).toBe('omninode-runtime');
    expect(Object.values(c.redeploy?.verify.health ?? {})).toEqual([
      'http://localhost:8085/health',
      'http://localhost:8053/health',
      'http://localhost:8091/health',
    ]);
    expect(c.redeploy?.required_env.DEPLOY).toEqual(['POSTGRES_PASSWORD', 'KAFKA_BOOTSTRAP_SERVERS']);
  });
});
