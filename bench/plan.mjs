// Planning a release (`ferry release --dry-run`: config, discovery, drift guard, scan, plan, every
// step described) against the floor: what git itself takes to list the history a plan must read.
//   - monorepo: `git log --format=%H%x00%s --name-only <oldest last tag>..HEAD`, one process;
//   - polyrepo: the same log from each repo's last tag, one repo after the other (the sum of the
//     per-repo floors), from one node process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monorepo, polyrepo } from './gen.mjs';

const LOG = ['log', '--format=%H%x00%s', '--name-only'];

const polyFloor = `
  const { execFileSync } = require('node:child_process');
  for (const [dir, tag] of JSON.parse(process.argv[1]))
    execFileSync('git', ['-C', dir, ${LOG.map((a) => JSON.stringify(a)).join(', ')}, tag + '..HEAD'], { maxBuffer: 1 << 30 });`;

function planCase(bin, { name, why, sizes, runs, target, limit, build, floor }) {
  let eco;
  let home;
  return {
    name,
    why,
    sizes,
    runs,
    target,
    limit,
    setup: async () => {
      eco = await build();
      home = mkdtempSync(join(tmpdir(), 'ferry-bench-home-'));
    },
    teardown: () => rmSync(home, { recursive: true, force: true }),
    baseline: () => floor(eco),
    subject: () => ({
      cmd: 'node',
      args: [bin, 'release', '--dry-run'],
      cwd: eco.workspace,
      env: { CI: 'true', FERRY_STATE_DIR: home },
    }),
  };
}

const monoFloor = (eco) => ({ cmd: 'git', args: ['-C', eco.repos[0].dir, ...LOG, `${eco.repos[0].oldestTag}..HEAD`] });
const polyFloorSpec = (eco) => ({
  cmd: 'node',
  args: ['-e', polyFloor, JSON.stringify(eco.repos.map((r) => [r.dir, r.oldestTag]))],
});

export function CASES(bin) {
  const mono = (p, c, sizes, target, limit, runs = 3, floor = monoFloor) =>
    planCase(bin, {
      name: `release plan: monorepo ${p} packages × ${c} commits${floor === monoFloor ? '' : ' (floor: node + git log)'}`,
      why: 'one history walk per repo: cost grows with commits, not packages × commits',
      sizes,
      runs,
      target,
      limit,
      build: () => monorepo(p, c),
      floor,
    });
  const poly = (r, c, sizes, target, limit) =>
    planCase(bin, {
      name: `release plan: polyrepo ${r} repos × ${c} commits`,
      why: '≤ 2 git processes per repo, bounded concurrency across repos',
      sizes,
      runs: 3,
      target,
      limit,
      build: () => polyrepo(r, c),
      floor: polyFloorSpec,
    });
  return [
    // The CI smoke set: small, quick to generate and to plan, generous limits (a regression by a
    // factor fails the suite; noise on a shared machine does not). At this size the floor includes
    // a node start-up, or ferry's fixed cost alone would be the ratio; many packages and few
    // commits, so a scan per package again (hundreds of processes) stands out.
    mono(100, 300, ['smoke'], 6, 15, 3, polyFloorSpec),
    poly(10, 100, ['smoke'], 4, 10),
    // At 50 × 2 000 the floor is ~50 ms: ferry's fixed start-up (node, config, discovery, plan
    // rendering) dominates, so its target is looser; the large sizes are where the walk shows.
    mono(50, 2000, ['default', 'full'], 10, 40, 5),
    mono(200, 10000, ['default', 'full'], 2, 6),
    mono(1000, 50000, ['full'], 1.5, 4),
    poly(40, 200, ['default', 'full'], 3, 8),
    poly(200, 200, ['default', 'full'], 3, 8),
  ];
}
