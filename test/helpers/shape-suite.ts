// A shape test file's workspaces and CLI: each workspace is cleaned up after the file, and `cli` runs the
// built ferry inside one with its state kept beside it (not in the repo under test).
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { shapeWorkspace, type ShapeWorkspace } from '../fixtures/shapes/repo.js';
import { ferry, type FerryRun } from './ferry.js';

export interface ShapeSuite {
  /** A fresh, empty shape workspace (its temp dirs go when the file's tests are done). */
  workspace(): Promise<ShapeWorkspace>;
  /** `ferry --state-dir <ws root>/.ferry <args>` run in the workspace. */
  cli(ws: ShapeWorkspace, args: string[]): Promise<FerryRun>;
}

export function shapeSuite(prefix: string): ShapeSuite {
  const spaces: ShapeWorkspace[] = [];
  afterAll(async () => Promise.all(spaces.map((s) => s.cleanup())));
  return {
    async workspace() {
      const ws = await shapeWorkspace(prefix);
      spaces.push(ws);
      return ws;
    },
    cli: (ws, args) => ferry(['--state-dir', join(ws.root, '.ferry'), ...args], { cwd: ws.dir }),
  };
}
