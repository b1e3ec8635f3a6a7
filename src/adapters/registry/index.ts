// Picks the registry adapter for a `registries:` entry of ferry.yaml.

import type { RegistryConfig } from '../../config/sections/registries.js';
import type { RegistryDeps } from './common.js';
import { NpmRegistry } from './npm.js';
import { PypiRegistry } from './pypi.js';
import type { Registry } from './types.js';

export type { Registry, Artifact, PublishInput, PublishedVersion, WaitOptions } from './types.js';
export type { RegistryDeps } from './common.js';

/**
 * @param env where the token named by `token_env` is read (and registered for redaction).
 * @param deps process runner bound to the run (redaction, --verbose echo) and HTTP/backoff knobs.
 */
export function createRegistry(
  config: RegistryConfig,
  env: Record<string, string | undefined> = process.env,
  deps: RegistryDeps = {},
): Registry {
  switch (config.kind) {
    case 'npm':
      return new NpmRegistry(config, env, deps);
    case 'pypi':
      return new PypiRegistry(config, env, deps);
  }
}
