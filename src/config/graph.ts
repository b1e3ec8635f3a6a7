// The dependency graph among an ecosystem's own packages, and its tiers (topological levels):
// tier 1 has no internal dependencies; a package's tier is one more than its deepest dependency.
// Release order (seed: "strict dependency-tier order") is tiers ascending, names ascending within a tier.

import { ErrorCode, FerryError } from '../errors.js';
import { normalizePythonName } from '../manifest/names.js';

export interface GraphInput {
  name: string;
  /** Names this package depends on; names that are not graph nodes (external deps) are ignored. */
  deps: readonly string[];
  /** A configured tier acts as a minimum: dependencies can push a package later, never earlier. */
  tier?: number;
}

export interface DependencyGraph {
  /** All node names, sorted. */
  names: string[];
  /** Internal dependencies per node, sorted. */
  deps: Record<string, string[]>;
  /** Internal dependents per node, sorted. */
  dependents: Record<string, string[]>;
  /** tiers[0] is tier 1; names sorted within a tier. */
  tiers: string[][];
  tierOf: Record<string, number>;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function internalDeps(inputs: readonly GraphInput[]): Map<string, string[]> {
  const names = new Set(inputs.map((n) => n.name));
  const out = new Map<string, string[]>();
  for (const n of inputs) {
    const deps = [...new Set(n.deps)].filter((d) => names.has(d) && d !== n.name).sort(cmp);
    out.set(n.name, deps);
  }
  return out;
}

/**
 * The first dependency cycle found (deterministically: nodes and edges visited in name order),
 * as a closed path `[a, b, a]`, or null. A self-dependency is a cycle `[a, a]`.
 */
export function findCycle(inputs: readonly GraphInput[]): string[] | null {
  const names = new Set(inputs.map((n) => n.name));
  const edges = new Map<string, string[]>();
  for (const n of inputs) edges.set(n.name, [...new Set(n.deps)].filter((d) => names.has(d)).sort(cmp));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of edges.get(n) ?? []) {
      const s = state.get(d);
      if (s === 'visiting') return [...stack.slice(stack.indexOf(d)), d];
      if (s === undefined) {
        const c = visit(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of [...names].sort(cmp)) {
    if (state.has(n)) continue;
    const c = visit(n);
    if (c) return c;
  }
  return null;
}

export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

/**
 * Build the graph and its tiers.
 * @throws FerryError DEPENDENCY_CYCLE naming the cycle (`a → b → a`).
 */
export function buildGraph(inputs: readonly GraphInput[], where?: string): DependencyGraph {
  const seen = new Set<string>();
  for (const n of inputs) {
    if (seen.has(n.name))
      throw new FerryError(ErrorCode.CONFIG_INVALID, `package ${n.name} is listed twice`, {
        fix: 'ferry config check',
      });
    seen.add(n.name);
  }
  const cycle = findCycle(inputs);
  if (cycle) {
    throw new FerryError(
      ErrorCode.DEPENDENCY_CYCLE,
      `${where ? `${where}: ` : ''}dependency cycle: ${formatCycle(cycle)}`,
      {
        fix: 'ferry config check',
        details: { cycle },
      },
    );
  }
  const deps = internalDeps(inputs);
  const minTier = new Map(inputs.map((n) => [n.name, n.tier ?? 1]));
  const tierOf: Record<string, number> = {};
  const level = (n: string): number => {
    const known = tierOf[n];
    if (known !== undefined) return known;
    let t = minTier.get(n) ?? 1;
    for (const d of deps.get(n) ?? []) t = Math.max(t, level(d) + 1);
    tierOf[n] = t;
    return t;
  };
  const names = [...deps.keys()].sort(cmp);
  for (const n of names) level(n);
  const dependents: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, [] as string[]]));
  for (const n of names) for (const d of deps.get(n) ?? []) dependents[d]?.push(n);
  const maxTier = Math.max(0, ...Object.values(tierOf));
  const tiers: string[][] = [];
  for (let t = 1; t <= maxTier; t++) tiers.push(names.filter((n) => tierOf[n] === t));
  return {
    names,
    deps: Object.fromEntries(names.map((n) => [n, deps.get(n) ?? []])),
    dependents: Object.fromEntries(names.map((n) => [n, (dependents[n] ?? []).sort(cmp)])),
    // A configured minimum tier can leave a level empty; it stays (empty) so tiers[t - 1] is tier t.
    tiers,
    tierOf,
  };
}

/** Names in release order: tier ascending, then name. */
export function releaseOrder(graph: DependencyGraph): string[] {
  return graph.tiers.flat();
}

/** Packages that depend, directly or transitively, on any of `names` (not including them). */
export function downstreamOf(graph: DependencyGraph, names: readonly string[]): string[] {
  const out = new Set<string>();
  const queue = [...names];
  while (queue.length > 0) {
    const n = queue.shift() as string;
    for (const d of graph.dependents[n] ?? []) {
      if (!out.has(d) && !names.includes(d)) {
        out.add(d);
        queue.push(d);
      }
    }
  }
  return [...out].sort(cmp);
}

/** What checkTiers needs of a discovered package (see discover.ts DiscoveredPackage). */
export interface DiscoveredNode {
  name: string;
  ecosystem: 'python' | 'npm';
  deps: readonly string[];
}

/** What checkTiers needs of a configured package (see sections/packages.ts PackageConfig). */
export interface ConfiguredNode {
  name: string;
  ecosystem: 'python' | 'npm';
  tier?: number | undefined;
  depends_on?: readonly string[] | undefined;
  /** Dependencies (manifest names) that order nothing for this package. */
  ignore_deps?: readonly string[] | undefined;
  repo?: string | undefined;
}

export interface TierContradiction {
  package: string;
  tier: number;
  dependency: string;
  dependencyTier: number;
}

export interface TierCheck {
  /** No contradictions and nothing unconfigured. */
  ok: boolean;
  /** Configured tiers that put a package in the same or an earlier tier than one of its dependencies. */
  contradictions: TierContradiction[];
  /** Configured tier ≠ computed level; not an error (a package may be scheduled later on purpose). */
  differences: { package: string; configured: number; computed: number }[];
  /** Discovered packages linked by dependencies to configured ones but absent from the config (seed GRAPH_DRIFT). */
  unconfigured: string[];
  /** Configured packages with no discovered manifest. */
  undiscovered: string[];
  /** Tiers computed from declared dependencies alone (configured tiers ignored). */
  computed: string[][];
}

function nodeKey(ecosystem: string, name: string): string {
  return `${ecosystem}:${ecosystem === 'python' ? normalizePythonName(name) : name.trim()}`;
}

/**
 * Graph inputs for the configured packages: dependencies read from manifests (via discovery), mapped
 * to configured names, plus `depends_on`. Configured tiers are kept as minimums.
 */
export function graphInputs(packages: readonly ConfiguredNode[], discovered: readonly DiscoveredNode[]): GraphInput[] {
  const discoveredByKey = new Map(discovered.map((d) => [nodeKey(d.ecosystem, d.name), d]));
  const configuredByKey = new Map(packages.map((p) => [nodeKey(p.ecosystem, p.name), p.name]));
  return packages.map((p) => {
    const found = discoveredByKey.get(nodeKey(p.ecosystem, p.name));
    const deps = new Set<string>(p.depends_on ?? []);
    const ignored = new Set((p.ignore_deps ?? []).map((n) => nodeKey(p.ecosystem, n)));
    for (const d of found?.deps ?? []) {
      if (ignored.has(nodeKey(p.ecosystem, d))) continue;
      const name = configuredByKey.get(nodeKey(p.ecosystem, d));
      if (name) deps.add(name);
    }
    return { name: p.name, deps: [...deps].sort(cmp), ...(p.tier === undefined ? {} : { tier: p.tier }) };
  });
}

/**
 * Compare configured tiers with declared dependencies, as data for the release drift guard.
 * @throws FerryError DEPENDENCY_CYCLE when the declared dependencies form a cycle.
 */
export function checkTiers(
  config: { packages: readonly ConfiguredNode[] },
  discovered: readonly DiscoveredNode[],
): TierCheck {
  const inputs = graphInputs(config.packages, discovered);
  const computed = buildGraph(inputs.map((i) => ({ name: i.name, deps: i.deps })));
  const configuredTier = new Map(config.packages.map((p) => [p.name, p.tier]));
  const contradictions: TierContradiction[] = [];
  const differences: TierCheck['differences'] = [];
  for (const i of inputs) {
    const t = configuredTier.get(i.name);
    if (t === undefined) continue;
    const c = computed.tierOf[i.name] ?? 1;
    if (t !== c) differences.push({ package: i.name, configured: t, computed: c });
    for (const d of i.deps) {
      const dt = configuredTier.get(d) ?? computed.tierOf[d] ?? 1;
      if (dt >= t) contradictions.push({ package: i.name, tier: t, dependency: d, dependencyTier: dt });
    }
  }
  const configuredKeys = new Set(config.packages.map((p) => nodeKey(p.ecosystem, p.name)));
  const discoveredKeys = new Set(discovered.map((d) => nodeKey(d.ecosystem, d.name)));
  const isConfigured = (eco: string, n: string): boolean => configuredKeys.has(nodeKey(eco, n));
  const linked = new Set<string>();
  const ignoredBy = new Map(
    config.packages.map((p) => [
      nodeKey(p.ecosystem, p.name),
      new Set((p.ignore_deps ?? []).map((n) => nodeKey(p.ecosystem, n))),
    ]),
  );
  for (const d of discovered) {
    if (isConfigured(d.ecosystem, d.name)) {
      const ignored = ignoredBy.get(nodeKey(d.ecosystem, d.name));
      for (const dep of d.deps)
        if (!isConfigured(d.ecosystem, dep) && !ignored?.has(nodeKey(d.ecosystem, dep))) linked.add(dep);
    } else if (d.deps.some((dep) => isConfigured(d.ecosystem, dep))) {
      linked.add(d.name);
    }
  }
  const undiscovered = config.packages
    .filter((p) => !/^[a-z+]+:\/\/|^git@/.test(p.repo ?? '') && !discoveredKeys.has(nodeKey(p.ecosystem, p.name)))
    .map((p) => p.name)
    .sort(cmp);
  return {
    ok: contradictions.length === 0 && linked.size === 0,
    contradictions,
    differences,
    unconfigured: [...linked].sort(cmp),
    undiscovered,
    computed: computed.tiers,
  };
}
