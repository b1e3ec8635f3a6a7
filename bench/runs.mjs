// `ferry runs list` over a state dir of finished runs against the floor: a bare node script that
// lists the same state dirs and reads and parses every state file (sync, one at a time).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runsHome } from './gen.mjs';

const floor = `
  const { readdirSync, readFileSync, existsSync } = require('node:fs');
  const { join } = require('node:path');
  const root = join(process.argv[1], 'state');
  let n = 0;
  for (const p of readdirSync(root))
    for (const dir of [join(root, p), join(root, p, 'archive')])
      if (existsSync(dir))
        for (const f of readdirSync(dir))
          if (f.endsWith('.json')) n += JSON.parse(readFileSync(join(dir, f), 'utf8')).step_order.length;
  process.stdout.write(String(n));`;

export function CASES(bin) {
  // cold: the summary index is removed before every run (the first list after an upgrade or a lost
  // index: every state file read and the index written); warm: the index the last listing kept.
  const list = (n, sizes, target, limit, cold = false) => {
    let home;
    return {
      name: `runs list: ${n} runs${cold ? ', no index (first list)' : ''}`,
      why: cold
        ? 'each state file read once, synchronously (no stat, no thread-pool round trips), only the fields a row shows checked'
        : 'finished runs served from the summary index while their state file is unchanged (one stat each)',
      sizes,
      runs: 5,
      target,
      limit,
      setup: async () => {
        home = await runsHome(n);
      },
      baseline: () => ({ cmd: 'node', args: ['-e', floor, home] }),
      subject: () => {
        if (cold) rmSync(join(home, 'runs-index.json'), { force: true });
        return { cmd: 'node', args: [bin, '--state-dir', home, 'runs', 'list'], env: { CI: 'true' } };
      },
    };
  };
  return [
    list(200, ['smoke', 'default', 'full'], 2, 5),
    list(2000, ['default', 'full'], 2, 5),
    list(2000, ['default', 'full'], 2, 5, true),
  ];
}
