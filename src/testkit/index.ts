// ferry/testkit: build real ecosystems (git repos, bare remotes, tags, conventional commits) and a
// local PyPI-compatible index, for testing release pipelines and for `ferry demo`.
export { buildEcosystem, seedEcosystem, seedSpec, npmMonorepo, SEED_TIERS } from './ecosystem.js';
export type { Ecosystem, EcosystemSpec, RepoSpec, PackageSpec, CommitSpec } from './ecosystem.js';
export { startPypiServer } from './pypi-server.js';
export type { PypiServer } from './pypi-server.js';
