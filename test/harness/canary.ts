// A canary secret put in every harness test's environment (and used as the index token, so it is on
// real command lines); after each trial it is grepped for in everything ferry printed and every file
// under the ferry home it wrote.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const CANARY = 'ferry-canary-7Hq2ZpL9wXv4';

function files(dir: string, out: string[] = []): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    // The release worktrees are the user's source trees, not what ferry wrote about the run.
    if (n === 'worktrees') continue;
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) files(p, out);
    else if (st?.isFile()) out.push(p);
  }
  return out;
}

/** Places the canary appears: 'output' and/or the files under `home`. */
export function canaryHits(home: string, output: string): string[] {
  const hits = output.includes(CANARY) ? ['output'] : [];
  for (const f of files(home)) if (readFileSync(f).includes(CANARY)) hits.push(f);
  return hits;
}
