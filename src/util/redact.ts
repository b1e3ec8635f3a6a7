// Every secret value ferry learns (env vars named in config, env-file values, tokens) is registered
// here; everything written to stdout, stderr, events, state and results passes through redact().

const MASK = '***';
const MIN_SECRET_LENGTH = 4;
const secrets = new Set<string>();
let pattern: RegExp | null = null;

/** Names that always count as secrets when found in the environment or an env file. */
export const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|CREDENTIAL|_AUTH$|^AUTH_)/i;

export function addSecret(value: string | undefined | null): void {
  if (!value || value.length < MIN_SECRET_LENGTH) return;
  if (secrets.has(value)) return;
  secrets.add(value);
  pattern = null;
}

/** Register every env var whose name looks secret, plus the named ones. */
export function addSecretsFromEnv(env: NodeJS.ProcessEnv = process.env, names: readonly string[] = []): void {
  for (const [k, v] of Object.entries(env)) if (SECRET_NAME.test(k)) addSecret(v);
  for (const n of names) addSecret(env[n]);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function redact(text: string): string {
  if (secrets.size === 0 || !text) return text;
  if (!pattern) {
    // Longest first so a secret containing another is masked whole.
    const sorted = [...secrets].sort((a, b) => b.length - a.length).map(escape);
    pattern = new RegExp(sorted.join('|'), 'g');
  }
  return text.replace(pattern, MASK);
}

export function redactDeep<T>(value: T): T {
  if (secrets.size === 0) return value;
  return JSON.parse(redact(JSON.stringify(value))) as T;
}

/** For tests only. */
export function clearSecrets(): void {
  secrets.clear();
  pattern = null;
}
