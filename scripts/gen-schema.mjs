// Writes schema/<name>.schema.json from the zod registry in src/schemas.ts (run after `npm run build`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemas } from '../dist/index.js';

const out = new URL('../schema/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, json] of Object.entries(jsonSchemas())) {
  writeFileSync(new URL(`${name}.schema.json`, out), JSON.stringify(json, null, 2) + '\n');
  console.log(`schema/${name}.schema.json`);
}
