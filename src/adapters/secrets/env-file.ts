// Env-file secrets: read with the shared dotenv parser (never executed); set rewrites one line.

import { existsSync, readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { ErrorCode, FerryError } from '../../errors.js';
import { addSecret, SECRET_NAME } from '../../util/redact.js';
import { readDotenvFile } from '../../config/dotenv.js';
import type { SecretScope, SecretsStore, SetOutcome } from './types.js';

/**
 * Read an env file, registering secret-looking values for redaction. A missing file is {} when
 * `optional`, else NOT_FOUND. @throws CONFIG_INVALID (malformed lines), NOT_FOUND
 */
export function readEnvFile(file: string, opts: { optional?: boolean } = {}): Record<string, string> {
  if (!existsSync(file)) {
    if (opts.optional) return {};
    throw new FerryError(ErrorCode.NOT_FOUND, `env file not found: ${file}`, { fix: `touch ${file}` });
  }
  const values = readDotenvFile(file);
  for (const [k, v] of Object.entries(values)) if (SECRET_NAME.test(k)) addSecret(v);
  return values;
}

function quote(value: string): string {
  return /^[A-Za-z0-9_./:@%+-]*$/.test(value) ? value : `'${value.replace(/'/g, '')}'`;
}

export class EnvFileStore implements SecretsStore {
  readonly kind = 'env-file';
  constructor(private readonly file: string) {}

  async list(_scope: SecretScope): Promise<Record<string, string>> {
    return readEnvFile(this.file, { optional: true });
  }

  async get(key: string, scope: SecretScope): Promise<string | null> {
    return (await this.list(scope))[key] ?? null;
  }

  async set(key: string, value: string, scope: SecretScope): Promise<SetOutcome> {
    if (value.includes("'") || value.includes('\n')) {
      throw new FerryError(
        ErrorCode.SECRETS_FAILED,
        `value of ${key} contains a quote or newline; env-file store cannot write it safely`,
      );
    }
    addSecret(value);
    const current = await this.get(key, scope);
    if (current === value) return 'unchanged';
    const text = existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
    const line = `${key}=${quote(value)}`;
    const re = new RegExp(`^(export\\s+)?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=.*$`, 'm');
    const next =
      current !== null && re.test(text)
        ? text.replace(re, line)
        : `${text}${text && !text.endsWith('\n') ? '\n' : ''}${line}\n`;
    await writeFileAtomic(this.file, next, { mode: 0o600 });
    return current === null ? 'created' : 'updated';
  }
}
