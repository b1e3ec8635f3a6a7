// Replay (issue 19 point 1 acceptance): a changesets workspace released six times by the real
// changesets CLI (`changeset version`: bumps, CHANGELOGs, consumed files deleted, dependents whose
// range the new version leaves patched). Before each release ferry plans from the same commit, with
// the ferry.yaml `ferry init` wrote; its plan must name exactly the versions changesets released.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ferry } from './helpers/ferry.js';
import { addChangeset, changesetsShape, versionPackages } from './fixtures/shapes/changesets.js';
import { shapeWorkspace, type ShapeWorkspace } from './fixtures/shapes/repo.js';

const spaces: ShapeWorkspace[] = [];
afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));

type Round = [id: string, releases: Record<string, 'major' | 'minor' | 'patch'>, summary: string][];

// Each round: the changesets contributors add before a "Version Packages" release.
const ROUNDS: Round[] = [
  [
    ['brave-owls', { '@acme/core': 'minor' }, 'Add streaming to the client.'],
    ['calm-cats', { '@acme/core': 'patch', '@acme/docs': 'patch' }, 'Fix the parser.'],
  ],
  // ui's patch leaves cli's exact "1.0.0" range: cli gets a patch too.
  [['shy-dogs', { '@acme/ui': 'patch' }, 'Fix button focus.']],
  // core 2.0.0 leaves ui's ^1.0.0 (ui patch), which leaves cli's exact range (cli patch): transitive.
  [['loud-foxes', { '@acme/core': 'major' }, 'Drop the v1 wire format.']],
  [
    ['red-bees', { '@acme/docs': 'minor' }, 'Document streaming.'],
    ['old-ants', { '@acme/cli': 'minor', '@acme/docs': 'patch' }, 'Add a --watch flag.'],
  ],
  // core 2.0.1 stays in ui's range (changesets moved it to ^2.0.0 when ui released); ui 1.1.0 leaves cli's.
  [
    ['wet-owls', { '@acme/core': 'patch' }, 'Close sockets.'],
    ['dry-elk', { '@acme/ui': 'minor' }, 'Add a dark theme.'],
  ],
  [
    ['big-yaks', { '@acme/cli': 'patch' }, 'Fix help text.'],
    ['new-era', { '@acme/cli': 'major' }, 'Rename every command.'],
  ],
];

describe('changesets replay (issue 19.1)', () => {
  it(
    'at each of six releases, ferry plans exactly the versions changesets releases',
    { timeout: 240_000 },
    async () => {
      const ws = await shapeWorkspace('ferry-replay-');
      spaces.push(ws);
      const r = await changesetsShape(ws);
      const init = await ferry(['init'], { cwd: ws.dir });
      expect(init.exitCode, init.stderr).toBe(0);
      const history: { ferry: Record<string, string>; changesets: Record<string, string> }[] = [];
      for (const round of ROUNDS) {
        for (const [id, releases, summary] of round) await addChangeset(r, id, releases, summary);
        await r.push();
        const dry = await ferry(['--state-dir', join(ws.root, '.ferry'), '--json', 'release', '--dry-run'], {
          cwd: ws.dir,
        });
        expect(dry.exitCode, dry.stderr).toBe(0);
        const result = JSON.parse(dry.stdout.trim().split('\n').at(-1)!) as {
          details: { repo: string; new_version: string | null }[];
        };
        const planned = Object.fromEntries(
          result.details.filter((d) => d.new_version).map((d) => [d.repo, d.new_version!]),
        );
        history.push({ ferry: planned, changesets: await versionPackages(r) });
      }
      expect(history.map((h) => h.ferry)).toEqual(history.map((h) => h.changesets));
      // The history is the one the rounds describe (changesets itself decided these).
      expect(history.map((h) => h.changesets)).toEqual([
        { '@acme/core': '1.1.0', '@acme/docs': '0.1.1' },
        { '@acme/ui': '1.0.1', '@acme/cli': '0.3.1' },
        { '@acme/core': '2.0.0', '@acme/ui': '1.0.2', '@acme/cli': '0.3.2' },
        { '@acme/docs': '0.2.0', '@acme/cli': '0.4.0' },
        { '@acme/core': '2.0.1', '@acme/ui': '1.1.0', '@acme/cli': '0.4.1' },
        { '@acme/cli': '1.0.0' },
      ]);
    },
  );
});
