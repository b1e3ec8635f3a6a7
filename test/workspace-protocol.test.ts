// pnpm's publish rule for `workspace:` specs, as pure data (issue 19.3).
import { describe, expect, it } from 'vitest';
import { resolveWorkspaceManifest, resolveWorkspaceSpec } from '../src/manifest/workspace-protocol.js';
import { isFerryError } from '../src/errors.js';

describe('workspace: protocol', () => {
  it('resolves *, ^, ~ and explicit ranges like pnpm publish', () => {
    expect(resolveWorkspaceSpec('workspace:*', '1.5.0')).toBe('1.5.0');
    expect(resolveWorkspaceSpec('workspace:^', '1.5.0')).toBe('^1.5.0');
    expect(resolveWorkspaceSpec('workspace:~', '1.5.0')).toBe('~1.5.0');
    expect(resolveWorkspaceSpec('workspace:^1.2.0', '1.5.0')).toBe('^1.2.0');
    expect(resolveWorkspaceSpec('^1.2.0', '1.5.0')).toBeNull();
  });

  it('rewrites every dependency table, keeps the indentation, leaves other specs alone', () => {
    const text = `{\n    "name": "a",\n    "dependencies": { "b": "workspace:^", "left": "^2.0.0" },\n    "devDependencies": { "c": "workspace:*" }\n}\n`;
    const out = resolveWorkspaceManifest(
      text,
      new Map([
        ['b', '1.4.1'],
        ['c', '0.2.0'],
      ]),
      'package.json',
    );
    expect(out.resolved).toEqual([
      { field: 'dependencies', dependency: 'b', from: 'workspace:^', to: '^1.4.1' },
      { field: 'devDependencies', dependency: 'c', from: 'workspace:*', to: '0.2.0' },
    ]);
    expect(out.text).toBe(
      `{\n    "name": "a",\n    "dependencies": {\n        "b": "^1.4.1",\n        "left": "^2.0.0"\n    },\n    "devDependencies": {\n        "c": "0.2.0"\n    }\n}\n`,
    );
    expect(resolveWorkspaceManifest('{"name":"x"}', new Map(), 'p')).toEqual({ text: '{"name":"x"}', resolved: [] });
  });

  it('a workspace: dep on no member, an alias or a path is PUBLISH_FAILED with the fix', () => {
    for (const spec of ['workspace:^', 'workspace:b@*', 'workspace:../b']) {
      const versions = new Map(spec === 'workspace:^' ? [] : [['b', '1.0.0']]);
      try {
        resolveWorkspaceManifest(JSON.stringify({ dependencies: { b: spec } }), versions, 'pkg/package.json');
        expect.unreachable(spec);
      } catch (e) {
        expect(isFerryError(e) && e.code).toBe('PUBLISH_FAILED');
        expect((e as Error).message).toContain(`dependencies.b is "${spec}"`);
      }
    }
  });
});
