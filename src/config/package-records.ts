// The records discovery and configuration produce for each package: their own file so the cycle
// report (which discovery calls) can name them without importing discovery back.

import type { DependencyRef, Ecosystem, Manifest } from '../manifest/read.js';

export interface DiscoveredPackage {
  name: string;
  ecosystem: Ecosystem;
  /** Repo directory relative to the workspace, posix separators ('.' when the workspace is the repo). */
  repo: string;
  /** Package directory inside the repo ('.' for the repo root). */
  path: string;
  /** Absolute package directory. */
  dir: string;
  /** Absolute manifest file. */
  manifest: string;
  version: string | null;
  private: boolean;
  /**
   * Names of other discovered packages (same ecosystem) this one needs installed to work: the
   * dependencies that order releases (config/edges.ts). Extras, groups, dev and optional peers are in devDeps.
   */
  deps: string[];
  /** Discovered packages named only by dependencies that order nothing (dev, extras, groups, optional peers). */
  devDeps: string[];
  /** Every dependency declared in the manifest, internal or not. */
  declared: DependencyRef[];
}

export interface ConfiguredPackage {
  name: string;
  ecosystem: Ecosystem;
  /** Absolute package directory, or null for a repo given as a URL. */
  dir: string | null;
  manifest: Manifest | null;
  /** Internal dependencies: manifest dependencies that order releases, plus `depends_on`, minus `ignore_deps`. */
  deps: string[];
  tier?: number;
  dependsOn?: readonly string[] | undefined;
}
