// Types for the seeded bench generators (gen.mjs), for the tests that reuse them.
export interface GeneratedRepo {
  /** The repo's directory. */
  dir: string;
  /** The newest release tag of the repo (monorepo: the oldest of the packages' last tags). */
  oldestTag: string;
}
export interface Generated {
  /** The workspace holding ferry.yaml and the repos. */
  workspace: string;
  repos: GeneratedRepo[];
}
export function monorepo(packages: number, commits: number, seed?: number): Promise<Generated>;
export function polyrepo(repos: number, commits: number, seed?: number): Promise<Generated>;
export function runsHome(n: number, seed?: number): Promise<string>;
