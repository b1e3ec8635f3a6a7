import { describe, expect, it } from 'vitest';
import { isFerryError } from '../src/errors.js';
import { buildGraph, checkTiers, downstreamOf, findCycle, graphInputs, releaseOrder } from '../src/config/graph.js';

const SEED = [
  { name: 'omniclaude', deps: ['omnibase_core', 'omnibase_infra', 'omniintelligence', 'requests'] },
  { name: 'omnimemory', deps: ['omnibase_core', 'omnibase_spi'] },
  { name: 'omniintelligence', deps: ['omnibase_core', 'omnibase_spi'] },
  { name: 'omnibase_infra', deps: ['omnibase_core', 'omnibase_spi'] },
  { name: 'omnibase_core', deps: ['omnibase_spi'] },
  { name: 'omnibase_spi', deps: ['pydantic'] },
];
const SEED_TIERS = [
  ['omnibase_spi'],
  ['omnibase_core'],
  ['omnibase_infra', 'omniintelligence', 'omnimemory'],
  ['omniclaude'],
];

describe('buildGraph', () => {
  it('computes the seed tiers (topological levels, sorted within a tier, external deps ignored)', () => {
    const g = buildGraph(SEED);
    expect(g.tiers).toEqual(SEED_TIERS);
    expect(g.tierOf).toEqual({
      omnibase_spi: 1,
      omnibase_core: 2,
      omnibase_infra: 3,
      omniintelligence: 3,
      omnimemory: 3,
      omniclaude: 4,
    });
    expect(g.deps.omniclaude).toEqual(['omnibase_core', 'omnibase_infra', 'omniintelligence']);
    expect(g.dependents.omnibase_spi).toEqual(['omnibase_core', 'omnibase_infra', 'omniintelligence', 'omnimemory']);
    expect(releaseOrder(g)).toEqual(SEED_TIERS.flat());
  });

  it('is independent of input order', () => {
    expect(buildGraph([...SEED].reverse()).tiers).toEqual(SEED_TIERS);
  });

  it('treats a configured tier as a minimum that dependencies can only push later', () => {
    const g = buildGraph([
      { name: 'a', deps: [] },
      { name: 'b', deps: [], tier: 3 },
      { name: 'c', deps: ['b'] },
    ]);
    expect(g.tierOf).toEqual({ a: 1, b: 3, c: 4 });
    expect(g.tiers).toEqual([['a'], [], ['b'], ['c']]);
  });

  it('a cycle is DEPENDENCY_CYCLE naming the cycle', () => {
    try {
      buildGraph(
        [
          { name: 'a', deps: ['b'] },
          { name: 'b', deps: ['a'] },
          { name: 'c', deps: [] },
        ],
        'ferry.yaml',
      );
      expect.unreachable();
    } catch (e) {
      expect(isFerryError(e) && e.code).toBe('DEPENDENCY_CYCLE');
      expect((e as Error).message).toBe('ferry.yaml: dependency cycle: a → b → a');
      expect(isFerryError(e) && e.exitCode).toBe(2);
    }
  });

  it('findCycle finds self-loops and longer cycles deterministically', () => {
    expect(findCycle([{ name: 'a', deps: ['a'] }])).toEqual(['a', 'a']);
    expect(
      findCycle([
        { name: 'x', deps: ['y'] },
        { name: 'y', deps: ['z'] },
        { name: 'z', deps: ['x'] },
      ]),
    ).toEqual(['x', 'y', 'z', 'x']);
    expect(findCycle(SEED)).toBeNull();
  });

  it('downstreamOf follows dependents transitively', () => {
    const g = buildGraph(SEED);
    expect(downstreamOf(g, ['omnibase_infra'])).toEqual(['omniclaude']);
    expect(downstreamOf(g, ['omnibase_core'])).toEqual([
      'omnibase_infra',
      'omniclaude',
      'omniintelligence',
      'omnimemory',
    ]);
  });
});

describe('checkTiers', () => {
  const discovered = SEED.map((s) => ({
    name: s.name.replace('omnibase_', 'omnibase-'),
    ecosystem: 'python' as const,
    deps: s.deps.filter((d) => d.startsWith('omni')).map((d) => d.replace('omnibase_', 'omnibase-')),
  }));
  const configured = (tiers: Record<string, number>) =>
    SEED.map((s) => ({
      name: s.name,
      ecosystem: 'python' as const,
      ...(tiers[s.name] ? { tier: tiers[s.name] } : {}),
    }));

  it('matches names per PEP 503 and agrees with the seed tiers', () => {
    const r = checkTiers(
      {
        packages: configured({
          omnibase_spi: 1,
          omnibase_core: 2,
          omnibase_infra: 3,
          omniintelligence: 3,
          omnimemory: 3,
          omniclaude: 4,
        }),
      },
      discovered,
    );
    expect(r).toEqual({
      ok: true,
      contradictions: [],
      differences: [],
      unconfigured: [],
      undiscovered: [],
      computed: SEED_TIERS,
    });
  });

  it('reports a configured tier that is not after its dependencies', () => {
    const r = checkTiers(
      { packages: configured({ omnibase_spi: 1, omnibase_core: 2, omnibase_infra: 2, omniclaude: 4 }) },
      discovered,
    );
    expect(r.ok).toBe(false);
    expect(r.contradictions).toEqual([
      { package: 'omnibase_infra', tier: 2, dependency: 'omnibase_core', dependencyTier: 2 },
    ]);
    expect(r.differences).toEqual([{ package: 'omnibase_infra', configured: 2, computed: 3 }]);
  });

  it('reports discovered packages linked to the configured ones but missing from config (drift)', () => {
    const extra = [
      ...discovered,
      { name: 'omninew', ecosystem: 'python' as const, deps: ['omnibase-core'] },
      { name: 'unrelated', ecosystem: 'python' as const, deps: [] },
    ];
    const packages = configured({}).filter((p) => p.name !== 'omnimemory');
    const r = checkTiers({ packages }, extra);
    expect(r.unconfigured).toEqual(['omnimemory', 'omninew']);
    expect(r.ok).toBe(false);
  });

  it('reports configured packages that were not discovered (local repos only)', () => {
    const packages = [
      ...configured({}),
      { name: 'ghost', ecosystem: 'npm' as const },
      { name: 'remote', ecosystem: 'npm' as const, repo: 'https://example.com/r.git' },
    ];
    expect(checkTiers({ packages }, discovered).undiscovered).toEqual(['ghost']);
  });

  it('graphInputs unions manifest deps with depends_on', () => {
    const inputs = graphInputs(
      [
        { name: 'a', ecosystem: 'npm' },
        { name: 'b', ecosystem: 'npm', depends_on: ['a'] },
        { name: 'c', ecosystem: 'npm' },
      ],
      [{ name: 'c', ecosystem: 'npm', deps: ['b', 'external'] }],
    );
    expect(inputs).toEqual([
      { name: 'a', deps: [] },
      { name: 'b', deps: ['a'] },
      { name: 'c', deps: ['b'] },
    ]);
  });
});
