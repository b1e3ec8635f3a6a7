// The dependency rewrites a release will make, known before it runs: for each planned package, its
// manifest at the release ref run through the same pure editor PIN uses, with every same-run
// dependency at its new version. The plan prints them and the result carries them (file and line).

import type { PinChange } from '../manifest/pyproject.js';
import type { ReleaseConfig } from '../config/sections/release.js';
import { manifestFile } from './scan.js';
import { pinnedManifest } from './steps/edits.js';
import type { PlanRow, ReleasePackage } from './types.js';
import type { DependencyRewrite } from './result.js';

export type { DependencyRewrite };

/** Pure: same-run dependencies of a planned package → their new versions (what PIN applies). */
export function sameRunVersions(rows: readonly PlanRow[], pkg: ReleasePackage): Record<string, string> {
  const next = new Map(rows.filter((r) => r.status === 'PLANNED' && r.new).map((r) => [r.package, r.new!]));
  return Object.fromEntries(pkg.deps.filter((d) => next.has(d)).map((d) => [d, next.get(d)!]));
}

/** Pure: one manifest's rewrites, sorted by line. @throws MANIFEST_EDIT_FAILED as PIN would. */
export function manifestRewrites(
  pkg: ReleasePackage,
  text: string,
  pins: Record<string, string>,
  pinStyle: ReleaseConfig['pin_style'],
): DependencyRewrite[] {
  if (!Object.keys(pins).length) return [];
  const file = manifestFile(pkg);
  const { changes } = pinnedManifest(pkg, text, pins, file, pinStyle);
  return changes
    .map((c: PinChange) => ({
      dependency: c.name,
      file,
      line: c.line ?? 0,
      from: c.from,
      to: c.to,
      kind: c.kind ?? 'pin',
    }))
    .sort((a, b) => a.line - b.line);
}

/** Every planned package's rewrites (packages with none are left out). `read` gives the manifest at the release ref. */
export async function planRewrites(
  rows: readonly PlanRow[],
  packages: readonly ReleasePackage[],
  pinStyle: ReleaseConfig['pin_style'],
  read: (pkg: ReleasePackage, file: string) => Promise<string | null>,
): Promise<Record<string, DependencyRewrite[]>> {
  const out: Record<string, DependencyRewrite[]> = {};
  const byName = new Map(packages.map((p) => [p.name, p]));
  const next = new Map(rows.filter((r) => r.status === 'PLANNED' && r.new).map((r) => [r.package, r.new!]));
  // Every manifest asked at once (one cat-file round trip per repo, not one per package), then
  // edited in plan order.
  const todo = rows.flatMap((r) => {
    const pkg = byName.get(r.package);
    if (r.status !== 'PLANNED' || !pkg) return [];
    const pins = Object.fromEntries(pkg.deps.filter((d) => next.has(d)).map((d) => [d, next.get(d)!]));
    return Object.keys(pins).length ? [{ pkg, pins, text: read(pkg, manifestFile(pkg)) }] : [];
  });
  // When an edit throws, the reads after it are never awaited: keep their failures from going unhandled.
  for (const t of todo) t.text.catch(() => undefined);
  for (const { pkg, pins, text } of todo) {
    const body = await text;
    if (body === null) continue;
    const list = manifestRewrites(pkg, body, pins, pinStyle);
    if (list.length) out[pkg.name] = list;
  }
  return out;
}

function describe(r: DependencyRewrite): string {
  if (r.kind === 'source-removed') return `${r.from} → removed (uv source no longer needed)`;
  const why =
    r.kind === 'git' || r.kind === 'path' || r.kind === 'url'
      ? `${r.kind} source → version`
      : r.kind === 'override'
        ? 'uv override'
        : r.kind === 'constraint'
          ? 'uv constraint'
          : r.kind;
  return `${r.from} → ${r.to} (${why})`;
}

/** Pure: the plan's "dependency rewrites" block, or '' when there are none. */
export function renderRewrites(rewrites: Record<string, DependencyRewrite[]>): string {
  const rows = Object.entries(rewrites).flatMap(([n, list]) =>
    list.map((r) => [n, `${r.file}:${r.line}`, describe(r)]),
  );
  if (!rows.length) return '';
  const w0 = Math.max(...rows.map((r) => r[0]!.length));
  const w1 = Math.max(...rows.map((r) => r[1]!.length));
  return [
    'dependency rewrites (same-run dependencies → the released versions):',
    ...rows.map(([n, at, what]) => `  ${n!.padEnd(w0)}  ${at!.padEnd(w1)}  ${what}`),
  ].join('\n');
}
