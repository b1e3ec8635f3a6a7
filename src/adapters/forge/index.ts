// Pick the forge named by `release.forge.kind`. Implementations load lazily (the GitHub client is heavy).

import type { ReleaseConfig } from '../../config/sections/release.js';
import type { Exec } from '../../util/process.js';
import type { Forge } from './types.js';

export interface ForgeDeps {
  exec: Exec;
  env?: NodeJS.ProcessEnv;
  log?: (m: string) => void;
  signal?: AbortSignal;
}

export async function createForge(cfg: ReleaseConfig['forge'], deps: ForgeDeps): Promise<Forge> {
  switch (cfg.kind) {
    case 'git': {
      const { GitForge } = await import('./git.js');
      return new GitForge({ exec: deps.exec, remote: cfg.remote });
    }
    case 'github': {
      const { createGithubForge } = await import('./github.js');
      return createGithubForge(cfg, {
        ...(deps.env ? { env: deps.env } : {}),
        ...(deps.log ? { log: deps.log } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
    }
  }
}

export type { Forge } from './types.js';
