// Which declared dependencies order releases (tier edges), and how a true cycle is reported.
// Only what a package needs installed to work orders it after its dependency: PEP 621/poetry main
// dependencies, npm dependencies, optionalDependencies and (non-optional) peers. Extras, poetry
// `optional = true` entries, PEP 735 dependency groups, poetry groups, npm devDependencies and
// optional peers make no edge by default: real projects routinely close a loop through them (a
// core package's `test` extra needs its own plugin). `depends_on` adds edges, `ignore_deps` drops them.

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { DependencyRef, Ecosystem, Manifest } from '../manifest/read.js';
import { dependencyLocation } from '../manifest/dep-lines.js';
import { formatCycle } from './graph.js';
import { formatKeyPath, locate, type KeyPath } from './locate.js';

/** Does this declared dependency order its package's release after the dependency's? */
export function ordersRelease(ecosystem: Ecosystem, ref: DependencyRef): boolean {
  if (ref.group === 'main' || ref.group === 'peer') return true;
  // npm optionalDependencies are installed whenever they can be: they order; an optional peer does not.
  return ecosystem === 'npm' && ref.group === 'optional' && ref.extra === undefined;
}

/** The declared dependencies of `m` that order releases. */
export function orderingRefs(m: Pick<Manifest, 'ecosystem' | 'dependencies'>): DependencyRef[] {
  return m.dependencies.filter((d) => ordersRelease(m.ecosystem, d));
}

/** One edge of a cycle and where it is declared. */
export interface CycleEdge {
  from: string;
  to: string;
  /** `file:line` of the manifest entry, or `<ferry.yaml>:line packages[i].depends_on`. */
  where: string;
  kind: 'manifest' | 'depends_on';
}

export interface EdgeSource {
  /** Manifest of a package (null when unread), its ecosystem and its configured `depends_on`. */
  manifest: Pick<Manifest, 'file' | 'ecosystem' | 'dependencies'> | null;
  dependsOn?: readonly string[] | undefined;
  /** Key of a dependency name within the ecosystem (PEP 503 for Python) → graph node name. */
  nodeOf(ref: DependencyRef): string | undefined;
}

/** Where each edge of `cycle` (`[a, b, a]`) comes from. `dependsOnAt(from)` locates a `depends_on` key. */
export function cycleEdges(
  cycle: readonly string[],
  sources: ReadonlyMap<string, EdgeSource>,
  dependsOnAt: (from: string) => string,
): CycleEdge[] {
  const out: CycleEdge[] = [];
  for (let i = 0; i + 1 < cycle.length; i++) {
    const from = cycle[i]!;
    const to = cycle[i + 1]!;
    const src = sources.get(from);
    const ref = src?.manifest ? orderingRefs(src.manifest).find((r) => src.nodeOf(r) === to) : undefined;
    if (ref && src?.manifest)
      out.push({
        from,
        to,
        kind: 'manifest',
        where: dependencyLocation(src.manifest.file, src.manifest.ecosystem, ref),
      });
    else out.push({ from, to, kind: 'depends_on', where: dependsOnAt(from) });
  }
  return out;
}

/** `a → b → a (a/pyproject.toml:12: a needs b; b/package.json:9: b needs a)` */
export function describeCycle(cycle: readonly string[], edges: readonly CycleEdge[]): string {
  const list = edges.map((e) => `${e.where}: ${e.from} ${e.kind === 'depends_on' ? 'depends_on' : 'needs'} ${e.to}`);
  return `${formatCycle(cycle)} (${list.join('; ')})`;
}

/**
 * A fix that breaks the cycle. With a ferry.yaml: remove a `depends_on` entry that closes it, else
 * drop one manifest edge with `ignore_deps` (the dependency stays declared; ferry only stops ordering
 * by it). Without one (init): move one dependency to an extra or dev group, or remove it.
 */
export function cycleFix(edges: readonly CycleEdge[], configPath: string | null): string {
  const configured = edges.find((e) => e.kind === 'depends_on');
  if (configPath && configured)
    return `remove ${configured.to} from depends_on of ${configured.from} in ${configPath} (${configured.where}), then: ferry config check`;
  // Drop the edge that closes the loop back to where it started.
  const last = edges[edges.length - 1]!;
  if (configPath)
    return `add \`ignore_deps: [${last.to}]\` to package ${last.from} in ${configPath} (releases ${last.from} without waiting for ${last.to}), then: ferry config check`;
  return `move ${last.to} out of ${last.from}'s required dependencies at ${last.where} (into an optional extra or a dev group, which order nothing) or remove it, then: ferry init`;
}

/** `file:line:col key` of a key in a YAML config file (`file key` when it cannot be read). */
export function configKeyLocation(file: string, path: KeyPath): string {
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter });
    const { line, col } = lineCounter.linePos(locate(doc, path).offset);
    return `${file}:${line}:${col} ${formatKeyPath(path)}`;
  } catch {
    return `${file} ${formatKeyPath(path)}`;
  }
}
