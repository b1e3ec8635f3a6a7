// Where the edges of a dependency cycle are declared (manifest file:line, or ferry.yaml depends_on),
// for the DEPENDENCY_CYCLE errors of `ferry init`, `ferry config check` and `ferry release`.

import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { packageKey, type DependencyRef } from '../manifest/read.js';
import type { ConfiguredPackage, DiscoveredPackage } from './package-records.js';
import { configKeyLocation, cycleEdges, cycleFix, describeCycle, type EdgeSource } from './edges.js';

/** Edge sources of discovered packages, for locating the edges of a cycle (init has no ferry.yaml yet). */
export function discoveredEdgeSources(discovered: readonly DiscoveredPackage[]): Map<string, EdgeSource> {
  const byKey = new Map(discovered.map((d) => [`${d.ecosystem}:${packageKey(d.ecosystem, d.name)}`, d.name]));
  return new Map(
    discovered.map((d) => [
      d.name,
      {
        manifest: { file: d.manifest, ecosystem: d.ecosystem, dependencies: d.declared },
        nodeOf: (r: DependencyRef) => byKey.get(`${d.ecosystem}:${packageKey(d.ecosystem, r.name)}`),
      },
    ]),
  );
}

/** A DEPENDENCY_CYCLE from the configured graph, with the file:line of each edge and a fix that breaks it. */
export function locateConfiguredCycle(e: unknown, packages: readonly ConfiguredPackage[], configPath: string): unknown {
  const cycle = isFerryError(e) && e.code === ErrorCode.DEPENDENCY_CYCLE ? (e.details.cycle as string[]) : null;
  if (!cycle) return e;
  const byKey = new Map(packages.map((p) => [`${p.ecosystem}:${packageKey(p.ecosystem, p.name)}`, p.name]));
  const sources = new Map<string, EdgeSource>(
    packages.map((p) => [
      p.name,
      {
        manifest: p.manifest,
        dependsOn: p.dependsOn,
        // An ignored manifest edge is not in p.deps: only report edges the graph really has.
        nodeOf: (r) => {
          const hit = byKey.get(`${p.ecosystem}:${packageKey(p.ecosystem, r.name)}`);
          return hit && p.deps.includes(hit) && !(p.dependsOn ?? []).includes(hit) ? hit : undefined;
        },
      },
    ]),
  );
  const edges = cycleEdges(cycle, sources, (from) =>
    configKeyLocation(configPath, ['packages', packages.findIndex((p) => p.name === from), 'depends_on']),
  );
  return new FerryError(ErrorCode.DEPENDENCY_CYCLE, `${configPath}: dependency cycle: ${describeCycle(cycle, edges)}`, {
    fix: cycleFix(edges, configPath),
    details: { cycle, edges },
  });
}
