// Picks a SecretsStore by config kind.
import type { SecretsStore } from './types.js';
import { InfisicalStore, type InfisicalOptions } from './infisical.js';
import { EnvFileStore } from './env-file.js';

export type { SecretsStore, SecretScope, SetOutcome, SyncLine } from './types.js';
export { syncSecrets, formatSyncLine } from './types.js';
export { InfisicalStore } from './infisical.js';
export { EnvFileStore, readEnvFile } from './env-file.js';

export type SecretsSelection = ({ kind: 'infisical' } & InfisicalOptions) | { kind: 'env-file'; file: string };

export function createSecretsStore(sel: SecretsSelection): SecretsStore {
  switch (sel.kind) {
    case 'infisical':
      return new InfisicalStore(sel);
    case 'env-file':
      return new EnvFileStore(sel.file);
  }
}
