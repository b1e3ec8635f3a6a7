// `ferry config check` warnings for the deploy: section: a decision that could come up but has
// nothing to run (no deploy.actions.<key> and no deploy.runtime for the built-in default) would
// stop `ferry deploy` with a config error only when it happens; say so up front. Pure.
import type { DeployConfig } from '../config/sections/deploy.js';
import type { ActionKey } from './plan.js';

const KEYS: readonly ActionKey[] = ['rebuild', 'restart', 'redeploy', 'start'];

const WHEN: Readonly<Record<ActionKey, string>> = {
  rebuild: 'a config repo or a config/build file changes',
  restart: 'an .env file changes',
  redeploy: 'code changes',
  start: 'a health check fails',
  status: 'nothing changes',
};

/** One line per deploy action that a decision could need but that cannot run as configured. */
export function deployConfigWarnings(cfg: DeployConfig): string[] {
  if (cfg.runtime) return [];
  const out: string[] = [];
  for (const key of KEYS) {
    // Without a runtime, services can only be seen down through failing HTTP checks.
    if (key === 'start' && Object.keys(cfg.checks).length === 0) continue;
    const own = cfg.actions[key];
    if (!own) {
      out.push(
        `deploy.actions.${key} is not set and there is no deploy.runtime: \`ferry deploy\` would stop when ${WHEN[key]}; add deploy.actions.${key}: [{ command: [...] }] or a deploy.runtime`,
      );
      continue;
    }
    const builtins = own.flatMap((a) => ('builtin' in a ? [a.builtin] : []));
    if (builtins.length)
      out.push(
        `deploy.actions.${key} uses the built-in ${builtins.map((b) => `'${b}'`).join(', ')} but there is no deploy.runtime: \`ferry deploy\` would stop when ${WHEN[key]}; add a deploy.runtime or use commands`,
      );
  }
  return out;
}
