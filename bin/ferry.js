#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `ferry --version` answers from package.json without loading the CLI (commander and the command
// table cost more than node's own start-up); the CLI prints the same line for `ferry -V`.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  import('../dist/cli.js')
    .then((m) => m.main(process.argv))
    .catch((err) => {
      console.error(err);
      process.exit(70);
    });
}
