// A secrets store ferry can seed (redeploy INFISICAL/SECRETS phase). Values are registered for
// redaction by every implementation as soon as they are read or written.

export interface SecretScope {
  /** Project/workspace id (Infisical); ignored by stores without projects. */
  projectId?: string;
  environment: string;
  /** Folder path, default "/". */
  path?: string;
}

export type SetOutcome = 'created' | 'updated' | 'unchanged';

export interface SecretsStore {
  readonly kind: string;
  /** @throws SECRETS_FAILED (auth, HTTP errors), RUNTIME_UNAVAILABLE-like transport errors as SECRETS_FAILED retryable */
  list(scope: SecretScope): Promise<Record<string, string>>;
  /** null when the key does not exist. @throws SECRETS_FAILED */
  get(key: string, scope: SecretScope): Promise<string | null>;
  /** Idempotent upsert: 'unchanged' when the value is already there. @throws SECRETS_FAILED */
  set(key: string, value: string, scope: SecretScope): Promise<SetOutcome>;
}

export interface SyncLine {
  key: string;
  outcome: SetOutcome;
}

/** Upsert every pair; returns one outcome per key in input order. */
export async function syncSecrets(
  store: SecretsStore,
  values: Record<string, string>,
  scope: SecretScope,
): Promise<SyncLine[]> {
  const out: SyncLine[] = [];
  for (const [key, value] of Object.entries(values)) out.push({ key, outcome: await store.set(key, value, scope) });
  return out;
}

/** The seed's output line: `  /shared/db/POSTGRES_DSN: OK (unchanged)`. */
export function formatSyncLine(scope: SecretScope, line: SyncLine): string {
  const path = (scope.path ?? '/').replace(/\/+$/, '');
  return `  ${path}/${line.key}: OK (${line.outcome})`;
}
