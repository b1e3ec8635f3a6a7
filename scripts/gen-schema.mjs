// Writes schema/<name>.schema.json from the zod schemas (run after `npm run build`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { FILE_SCHEMAS } from '../dist/index.js';

const out = new URL('../schema/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, schema] of Object.entries(FILE_SCHEMAS)) {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
  json.$id = `https://ferry.dev/schema/${name}.schema.json`;
  json.title = `ferry ${name}`;
  writeFileSync(new URL(`${name}.schema.json`, out), JSON.stringify(json, null, 2) + '\n');
  console.log(`schema/${name}.schema.json`);
}
