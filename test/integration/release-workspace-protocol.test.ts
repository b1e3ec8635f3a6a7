// Issue 19 points 3 and 5 on a real Verdaccio. Point 3: a pnpm workspace whose members depend on each other through the `workspace:`
// protocol, released for real onto a real Verdaccio after `ferry init`. The registry gets the
// members' released versions (pnpm's publish rule: `workspace:^` → `^1.4.1`, `workspace:*` →
// `1.4.1`, `workspace:~` → `~0.9.1`); the repo keeps `workspace:` as it was. Point 5: an npm package
// versioned only by its tags (package.json "0.0.0-development") is released by tagging, and the
// published manifest carries the tag's version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { git } from '../fixtures/git.js';
import { pnpmWorkspaceShape } from '../fixtures/shapes/workspaces.js';
import { npmTagVersionedShape } from '../fixtures/shapes/dynamic-versions.js';
import { planRowOf } from '../helpers/plan-table.js';
import { shapeWorkspace, type ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { startVerdaccio, type VerdaccioHandle } from '../fixtures/verdaccio.js';
import { ferry } from '../helpers/ferry.js';

let reg: VerdaccioHandle;
let ws: ShapeWorkspace | undefined;
let ws2: ShapeWorkspace | undefined;
const scope = `@fx${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  reg = await startVerdaccio();
});
afterAll(async () => {
  await reg?.stop();
  await ws?.cleanup();
  await ws2?.cleanup();
});

interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
async function published(name: string, version: string): Promise<Manifest> {
  const r = await fetch(`${reg.url}${name.replace('/', '%2f')}`);
  const doc = (await r.json()) as { versions: Record<string, Manifest> };
  return doc.versions[version]!;
}

describe('workspace: protocol at publish (issue 19.3)', () => {
  it(
    'the published manifests carry the released versions; the repo keeps workspace:',
    { timeout: 240_000 },
    async () => {
      ws = await shapeWorkspace('ferry-wsproto-');
      const r = await pnpmWorkspaceShape(ws, scope);
      const cli = (args: string[]) =>
        ferry(['--state-dir', join(ws!.root, '.ferry'), ...args], { cwd: ws!.dir, env: { NPM_TOKEN: 'local-anon' } });
      expect((await cli(['init'])).exitCode).toBe(0);
      // What the README tells a user to add to publish: a registry and `publish:` per package.
      const cfg = join(ws.dir, 'ferry.yaml');
      writeFileSync(
        cfg,
        readFileSync(cfg, 'utf8').replace(/ tier: (\d),/g, ' tier: $1, publish: npm,') +
          `registries:\n  npm: { kind: npm, url: "${reg.url}", token_env: NPM_TOKEN }\n`,
      );
      const dry = await cli(['release', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(dry.stdout + dry.stderr).toContain(
        `packed package.json: ${scope}/core "workspace:^" → "^1.4.1" (workspace: protocol)`,
      );

      const id = 'release-20261203-bbbbbb';
      const run = await cli(['release', '--run-id', id, '--gate-attestation', `1740312612.000100:${id}`]);
      expect(run.exitCode, run.stderr + run.stdout).toBe(0);

      const react = await published(`${scope}/react`, '0.9.1');
      expect(react.dependencies).toEqual({ [`${scope}/core`]: '^1.4.1' });
      const icons = await published(`${scope}/icons`, '2.0.1');
      expect(icons.dependencies).toEqual({ [`${scope}/core`]: '1.4.1' });
      expect(icons.devDependencies).toEqual({ [`${scope}/react`]: '~0.9.1' });
      // The repo's manifests still say workspace: (pnpm resolves them locally).
      const onMain = JSON.parse(await git(r.remote, ['show', 'main:packages/react/package.json'])) as Manifest;
      expect(onMain).toMatchObject({ version: '0.9.1', dependencies: { [`${scope}/core`]: 'workspace:^' } });
    },
  );

  it(
    'an npm package versioned only by tags: tag only, published as the tag (issue 19.5)',
    { timeout: 240_000 },
    async () => {
      ws2 = await shapeWorkspace('ferry-npmtag-');
      const name = `${scope}/breeze`;
      const r = await npmTagVersionedShape(ws2, name);
      const cli = (args: string[]) =>
        ferry(['--state-dir', join(ws2!.root, '.ferry'), ...args], { cwd: ws2!.dir, env: { NPM_TOKEN: 'local-anon' } });
      expect((await cli(['init'])).exitCode).toBe(0);
      const cfg = join(ws2.dir, 'ferry.yaml');
      writeFileSync(
        cfg,
        readFileSync(cfg, 'utf8').replace(/ tier: (\d),/g, ' tier: $1, publish: npm,') +
          `registries:\n  npm: { kind: npm, url: "${reg.url}", token_env: NPM_TOKEN }\n`,
      );
      const dry = await cli(['release', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(planRowOf(dry.stdout, 'breeze:' + name) ?? planRowOf(dry.stdout, 'breeze')).toMatchObject({
        current: '1.4.0',
        new: '1.4.1',
      });
      const out = dry.stdout + dry.stderr;
      expect(out).toContain('version from git tags (no version in package.json): no manifest edit');
      expect(out).toContain('packed package.json: "version": "1.4.1" (from the tag)');

      const id = 'release-20261203-dddddd';
      const run = await cli(['release', '--run-id', id, '--gate-attestation', `1740312612.000100:${id}`]);
      expect(run.exitCode, run.stderr + run.stdout).toBe(0);
      expect((await published(name, '1.4.1')).version).toBe('1.4.1');
      expect(JSON.parse(await git(r.remote, ['show', 'main:package.json'])).version).toBe('0.0.0-development');
      expect(await git(r.remote, ['tag', '--points-at', 'main'])).toBe('v1.4.1');
    },
  );
});
