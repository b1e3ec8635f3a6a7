// Planning a release of a 40-repo ecosystem (`ferry release --dry-run`: config, discovery, drift
// guard, scan, plan, every step described) against the floor: the git reads a scan cannot avoid
// (tags, log since the tag, manifest at HEAD for each repo), run in parallel by a bare node script.
import { execFileSync } from 'node:child_process';
import { buildEcosystem } from '../dist/testkit.js';

const REPOS = 40;

const floor = `
  const { execFile } = require('node:child_process');
  const run = (args) => new Promise((res, rej) => execFile('git', args, (e, out) => (e ? rej(e) : res(out))));
  const dirs = JSON.parse(process.argv[1]);
  Promise.all(dirs.map(async ([dir, name]) => {
    const tags = (await run(['-C', dir, 'tag', '--list', name + '/v*'])).trim().split('\\n');
    await run(['-C', dir, 'log', '--format=%H%x00%B%x00', tags[tags.length - 1] + '..origin/main']);
    await run(['-C', dir, 'show', 'origin/main:pyproject.toml']);
  }));`;

export function CASES(bin) {
  let eco;
  return [
    {
      name: `release plan: ferry release --dry-run on ${REPOS} repos vs the bare git reads`,
      why: 'scanning is parallel and planning is pure; the git reads are the floor',
      runs: 3,
      setup: async () => {
        eco = await buildEcosystem({
          repos: Array.from({ length: REPOS }, (_, i) => ({
            name: `pkg_${String(i).padStart(2, '0')}`,
            ecosystem: 'python',
            version: '1.0.0',
            ...(i > 0 ? { deps: [`pkg_${String(Math.floor((i - 1) / 3)).padStart(2, '0')}`] } : {}),
            commits: [{ subject: 'fix: one' }, { subject: 'feat: two' }],
          })),
        });
        eco.writeConfig();
      },
      teardown: () => eco.cleanup(),
      baseline: () => execFileSync('node', ['-e', floor, JSON.stringify(eco.packages.map((p) => [p.dir, p.name]))]),
      subject: () =>
        execFileSync('node', [bin, 'release', '--dry-run'], {
          cwd: eco.workspace,
          stdio: 'ignore',
          env: { ...process.env, CI: 'true' },
        }),
      maxRatio: 4,
    },
  ];
}
