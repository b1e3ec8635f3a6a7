// `npm run docs`: regenerate docs/config.md, docs/errors.md, docs/json-outputs.md and schema/*.schema.json
// from the source (src/docs/generate.ts). `node scripts/docs.mjs --check` (part of `npm run lint`) writes
// nothing and fails when a checked-in file differs or a ferry.yaml key has no description.
// Bundles the generator straight from src/ with esbuild, so it needs no `npm run build` first.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const outfile = join(root, 'node_modules', '.cache', 'ferry-docs', `generate-${process.pid}.mjs`);
await build({
  entryPoints: [join(root, 'src/docs/generate.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
let gen;
try {
  gen = await import(pathToFileURL(outfile).href);
} finally {
  rmSync(outfile, { force: true });
}

const problems = [];
const undocumented = gen.undocumentedKeys();
if (undocumented.length > 0)
  problems.push(
    `ferry.yaml keys without a description (add .describe('…') to them in src/config/):\n  ${undocumented.join('\n  ')}`,
  );

const unexplained = gen.unexplainedCodes();
if (unexplained.length > 0)
  problems.push(`error codes without an explanation in src/docs/error-docs.ts:\n  ${unexplained.join('\n  ')}`);

const files = gen.generatedFiles();
const read = (p) => {
  try {
    return readFileSync(join(root, p), 'utf8');
  } catch {
    return null;
  }
};
const stale = Object.entries(files)
  .filter(([p, text]) => read(p) !== text)
  .map(([p]) => p);
// A schema file whose zod schema was removed would linger: it is stale too.
const orphans = readdirSync(join(root, 'schema'))
  .map((f) => `schema/${f}`)
  .filter((p) => !(p in files));

if (check) {
  if (stale.length + orphans.length > 0)
    problems.push(
      `generated reference files are out of date:\n  ${[...stale, ...orphans.map((p) => `${p} (no longer generated)`)].join('\n  ')}`,
    );
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\nrun \`${gen.REGENERATE}\` and commit the result`);
    process.exit(1);
  }
  console.log(`docs: ${Object.keys(files).length} generated files up to date`);
} else {
  for (const p of stale) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), files[p]);
    console.log(`wrote ${p}`);
  }
  for (const p of orphans) {
    rmSync(join(root, p));
    console.log(`removed ${p}`);
  }
  if (stale.length + orphans.length === 0) console.log('docs: nothing to regenerate');
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
}
