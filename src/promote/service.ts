// Resolve `<service>` in `environments.<env>.services` to everything a stage/promote needs.

import { isAbsolute, join } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';
import { IMAGE_REF, type EnvironmentsConfig, type EnvServiceConfig } from '../config/sections/environments.js';

export interface ResolvedService {
  environment: string;
  service: string;
  spec: EnvServiceConfig;
  /** Absolute verdict directory of this environment. */
  verdictDir: string;
  /** Environment whose staging verdict gates a promote into this one. */
  promoteFrom: string;
  /** ferry.yaml's directory (relative paths in the spec, e.g. ssh.identity_file, resolve against it). */
  configDir?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Names become path segments and argv elements: letters, digits, . _ - only. @throws USAGE */
export function assertSafeName(value: string, what: string): string {
  if (!NAME.test(value)) {
    throw new FerryError(
      ErrorCode.USAGE,
      `invalid ${what} ${JSON.stringify(value)}: use letters, digits, . _ - (no spaces or shell characters)`,
    );
  }
  return value;
}

/** `--image`: an image reference or id (it becomes an Engine API argument and an argv element). @throws USAGE */
export function assertImageRef(value: string, flag = '--image'): string {
  if (!IMAGE_REF.test(value)) {
    throw new FerryError(
      ErrorCode.USAGE,
      `invalid ${flag} ${JSON.stringify(value)}: expected an image reference such as app:v2 or an image id sha256:…`,
      {
        fix: 'docker image ls --no-trunc',
      },
    );
  }
  return value;
}

/** @throws USAGE (bad name), CONFIG_INVALID (no environments section), NOT_FOUND (unknown env/service) */
export function resolveService(
  envs: EnvironmentsConfig | undefined,
  environment: string,
  service: string,
  baseDir: string,
): ResolvedService {
  assertSafeName(service, 'service name');
  assertSafeName(environment, 'environment name');
  if (!envs || Object.keys(envs).length === 0) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, 'ferry.yaml has no `environments:` section', {
      fix: 'add environments.<env>.services.<service> to ferry.yaml',
    });
  }
  const env = envs[environment];
  if (!env) {
    throw new FerryError(
      ErrorCode.NOT_FOUND,
      `environment ${environment} is not in ferry.yaml (have: ${Object.keys(envs).join(', ')})`,
      {
        fix: `add environments.${environment} to ferry.yaml`,
      },
    );
  }
  const spec = env.services[service];
  if (!spec) {
    throw new FerryError(
      ErrorCode.NOT_FOUND,
      `service ${service} is not in environments.${environment}.services (have: ${Object.keys(env.services).join(', ') || 'none'})`,
      {
        fix: `add environments.${environment}.services.${service} to ferry.yaml`,
      },
    );
  }
  const verdictDir = isAbsolute(env.verdict_dir) ? env.verdict_dir : join(baseDir, env.verdict_dir);
  return { environment, service, spec, verdictDir, promoteFrom: env.promote_from, configDir: baseDir };
}

/** Fill `{base_url}` / `{service}` / `{environment}` in a configured argv. */
export function fillArgv(argv: readonly string[], vars: Record<string, string>): string[] {
  return argv.map((a) => a.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
}
