// Pieces both registry adapters share: file digests, token handling, and the errors they throw.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ErrorCode, FerryError } from '../../errors.js';
import { addSecret } from '../../util/redact.js';
import { formatSeconds, type HttpDeps } from './backoff.js';
import type { Exec } from '../../util/process.js';

export interface FileDigests {
  sha256: string;
  /** npm dist.shasum */
  sha1: string;
  /** npm dist.integrity (SRI) */
  integrity: string;
}

export async function fileDigests(path: string): Promise<FileDigests> {
  const buf = await readFile(path);
  return {
    sha256: createHash('sha256').update(buf).digest('hex'),
    sha1: createHash('sha1').update(buf).digest('hex'),
    integrity: `sha512-${createHash('sha512').update(buf).digest('base64')}`,
  };
}

/** Everything an adapter needs from outside: env (for the token), a process runner, HTTP knobs. */
export interface RegistryDeps extends HttpDeps {
  exec?: Exec;
  /** Overall budget for lookups and publish retries (429/5xx). Default 5 min. */
  retryBudgetMs?: number;
  /** Used only where no per-call log function is passed (lookup). */
  log?: (m: string) => void;
}

export const DEFAULT_RETRY_BUDGET_MS = 5 * 60_000;

/**
 * The token named by `token_env`, registered for redaction. Registries that accept anonymous
 * publish (a local Verdaccio) still need *some* token in npmrc, hence the placeholder.
 */
export function resolveToken(
  env: Record<string, string | undefined>,
  tokenEnv: string,
): { token: string; fromEnv: boolean } {
  const v = env[tokenEnv];
  if (v) {
    addSecret(v);
    return { token: v, fromEnv: true };
  }
  return { token: 'ferry-anonymous', fromEnv: false };
}

export function registryTimeout(
  label: string,
  name: string,
  version: string,
  timeoutMs: number,
  lastReason: string,
  fix: string | undefined,
): FerryError {
  const waited = timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} min` : formatSeconds(timeoutMs);
  return new FerryError(
    ErrorCode.PYPI_TIMEOUT,
    `${label} does not serve ${name} ${version} after ${waited} (${lastReason}); ` +
      `check the registry, then resume the run with --resume <run_id>, or pass --skip-registry-wait`,
    {
      fix: fix ?? 'ferry release --resume <run_id>   # or add --skip-registry-wait',
      retryable: true,
      details: { registry: label, package: name, version, timeoutMs, lastReason },
    },
  );
}

export function registryUnavailable(label: string, what: string, lastReason: string): FerryError {
  return new FerryError(ErrorCode.PUBLISH_FAILED, `${label} kept failing while ${what} (${lastReason})`, {
    fix: 'ferry release --resume <run_id>',
    retryable: true,
    details: { registry: label, lastReason },
  });
}

export function badInput(what: string, value: string, expected: string): FerryError {
  return new FerryError(ErrorCode.USAGE, `invalid ${what} ${JSON.stringify(value)}: expected ${expected}`, {
    details: { [what.replace(/\W+/g, '_')]: value },
  });
}

/** Registry URLs must be http(s); ferry never sends a token anywhere else. */
export function baseUrl(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badInput('registry URL', url, 'an http(s) URL');
  return u.href.endsWith('/') ? u.href : `${u.href}/`;
}
