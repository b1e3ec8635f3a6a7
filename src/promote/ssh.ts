// Pure argv builders for reaching a service's `host` over ssh: the ssh client flags from the
// service's `ssh:` config, the remote ferry command, and the hook steps the synchronous remote
// promote runs there. ssh joins everything after the destination into ONE remote shell line, so
// the remote command is passed as a single, fully quoted string.

import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';
import { quoteArg } from '../util/process.js';
import type { ResolvedService } from './service.js';

export interface SshTarget {
  host: string;
  user?: string;
  port?: number;
  identityFile?: string;
  /** `-o Key=value` options, after ferry's own BatchMode=yes. */
  options: string[];
}

/** The operations `ferry promote --hook-step` runs on the host (one backend call each). */
export const HOOK_STEPS = ['current', 'image-id', 'identity', 'retag', 'runs', 'switch', 'health', 'rollback'] as const;
export type HookStep = (typeof HOOK_STEPS)[number];

export function isHookStep(v: string): v is HookStep {
  return (HOOK_STEPS as readonly string[]).includes(v);
}

/** @throws CONFIG_INVALID when the service has no host */
export function sshTargetOf(svc: ResolvedService): SshTarget {
  const host = svc.spec.host;
  if (!host)
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `environments.${svc.environment}.services.${svc.service} has no host`,
    );
  const ssh = svc.spec.ssh;
  const identity = ssh?.identity_file;
  return {
    host,
    user: ssh?.user,
    port: ssh?.port,
    identityFile: identity && !isAbsolute(identity) ? resolve(svc.configDir ?? '.', identity) : identity,
    options: ssh?.options ?? [],
  };
}

/** `ssh [-p port] [-i key] -o BatchMode=yes [-o opt…] [user@]host -- '<remote line>'`. */
export function sshArgv(t: SshTarget, remote: readonly string[]): string[] {
  return [
    'ssh',
    ...(t.port !== undefined ? ['-p', String(t.port)] : []),
    ...(t.identityFile ? ['-i', t.identityFile] : []),
    '-o',
    'BatchMode=yes',
    ...t.options.flatMap((o) => ['-o', o]),
    t.user ? `${t.user}@${t.host}` : t.host,
    '--',
    remote.map(quoteArg).join(' '),
  ];
}

/** The remote ferry invocation prefix: `<ssh.ferry…> --config <ssh.config | local ferry.yaml>`. */
export function remoteFerry(svc: ResolvedService, localConfigPath: string): string[] {
  return [...(svc.spec.ssh?.ferry ?? ['ferry']), '--config', svc.spec.ssh?.config ?? localConfigPath];
}

export interface HookStepArgs {
  image?: string;
  autoRolledBack?: boolean;
}

/** `… promote <svc> --env <env> --hook-step <step> [--image <id>] [--auto-rolled-back]` on the host. */
export function hookStepArgv(
  svc: ResolvedService,
  localConfigPath: string,
  step: HookStep,
  a: HookStepArgs = {},
): string[] {
  return [
    ...remoteFerry(svc, localConfigPath),
    'promote',
    svc.service,
    '--env',
    svc.environment,
    '--hook-step',
    step,
    ...(a.image ? ['--image', a.image] : []),
    ...(a.autoRolledBack ? ['--auto-rolled-back'] : []),
  ];
}

/** The hook step's answer: the last stdout line that is a JSON object naming the step. */
export function parseHookStepOutput(stdout: string, step: HookStep): Record<string, unknown> | null {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .reverse();
  for (const line of lines) {
    try {
      const v = JSON.parse(line) as Record<string, unknown>;
      if (v && typeof v === 'object' && v.hook_step === step) return v;
    } catch {
      // not ours: keep looking
    }
  }
  return null;
}
