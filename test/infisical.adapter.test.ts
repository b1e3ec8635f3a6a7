// InfisicalStore against a local server speaking Infisical's API; EnvFileStore on a real file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfisicalStore } from '../src/adapters/secrets/infisical.js';
import { EnvFileStore, readEnvFile } from '../src/adapters/secrets/env-file.js';
import { formatSyncLine, syncSecrets } from '../src/adapters/secrets/types.js';
import { redact } from '../src/util/redact.js';
import { isFerryError, type FerryError } from '../src/errors.js';
import { startInfisical, type InfisicalSim } from './fixtures/infisical-server.js';

let sim: InfisicalSim;
const dir = mkdtempSync(join(tmpdir(), 'ferry-secrets-'));
beforeAll(async () => {
  sim = await startInfisical();
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('InfisicalStore', () => {
  it('logs in once, creates, leaves unchanged, updates; values are redacted', async () => {
    const store = new InfisicalStore({ addr: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret });
    const scope = { projectId: sim.projectId, environment: 'prod', path: '/shared/db' };
    const first = await syncSecrets(store, { POSTGRES_DSN: 'postgres://u:pw-1@db/x', KAFKA: 'k:9092' }, scope);
    expect(first).toEqual([
      { key: 'POSTGRES_DSN', outcome: 'created' },
      { key: 'KAFKA', outcome: 'created' },
    ]);
    expect(await syncSecrets(store, { POSTGRES_DSN: 'postgres://u:pw-1@db/x' }, scope)).toEqual([
      { key: 'POSTGRES_DSN', outcome: 'unchanged' },
    ]);
    expect(await store.set('KAFKA', 'k2:9092', scope)).toBe('updated');
    expect(await store.list(scope)).toEqual({ POSTGRES_DSN: 'postgres://u:pw-1@db/x', KAFKA: 'k2:9092' });
    expect(await store.get('NOPE', scope)).toBeNull();
    expect(sim.requests.filter((r) => r.path === '/api/v1/auth/universal-auth/login')).toHaveLength(1);
    expect(
      sim.requests.find((r) => r.method === 'POST' && r.path === '/api/v3/secrets/raw/POSTGRES_DSN')?.body,
    ).toEqual({
      workspaceId: sim.projectId,
      environment: 'prod',
      secretPath: '/shared/db',
      secretValue: 'postgres://u:pw-1@db/x',
      type: 'shared',
    });
    expect(formatSyncLine(scope, first[0]!)).toBe('  /shared/db/POSTGRES_DSN: OK (created)');
    expect(redact(`dsn=postgres://u:pw-1@db/x secret=${sim.clientSecret}`)).toBe('dsn=*** secret=***');
  });

  it('bad credentials → SECRETS_FAILED with HTTP 401; unreachable → retryable SECRETS_FAILED', async () => {
    const bad = new InfisicalStore({ addr: sim.url, clientId: sim.clientId, clientSecret: 'wrong-secret' });
    const e = await bad.login().catch((x: unknown) => x);
    expect(isFerryError(e) && e.code).toBe('SECRETS_FAILED');
    expect((e as Error).message).toContain('HTTP 401');
    expect((e as FerryError).fix).toContain('$INFISICAL_CLIENT_ID / $INFISICAL_CLIENT_SECRET');
    // The fix names the variables the config reads the credentials from.
    const named = new InfisicalStore({
      addr: sim.url,
      clientId: sim.clientId,
      clientSecret: 'wrong-secret',
      envNames: { clientId: 'OMNI_ID', clientSecret: 'OMNI_SECRET' },
    });
    expect(await named.login().catch((x: unknown) => (x as FerryError).fix)).toBe(
      "check $OMNI_ID / $OMNI_SECRET and the identity's project access",
    );
    const down = new InfisicalStore({
      addr: 'http://127.0.0.1:1',
      clientId: 'a',
      clientSecret: 'bbbb',
      timeoutMs: 2000,
    });
    const e2 = await down.login().catch((x: unknown) => x);
    expect(isFerryError(e2) && [e2.code, e2.retryable]).toEqual(['SECRETS_FAILED', true]);
  });
});

describe('EnvFileStore', () => {
  it('reads with the dotenv parser and upserts lines', async () => {
    const file = join(dir, '.env');
    writeFileSync(
      file,
      '# c\nexport POSTGRES_PASSWORD="s3cret-pw"\nKAFKA_BOOTSTRAP_SERVERS=localhost:9092 # note\nX=$(touch /tmp/never)\n',
    );
    expect(readEnvFile(file)).toEqual({
      POSTGRES_PASSWORD: 's3cret-pw',
      KAFKA_BOOTSTRAP_SERVERS: 'localhost:9092',
      X: '$(touch /tmp/never)',
    });
    expect(redact('pw s3cret-pw')).toBe('pw ***');
    const store = new EnvFileStore(file);
    const scope = { environment: 'any' };
    expect(await store.set('KAFKA_BOOTSTRAP_SERVERS', 'localhost:9092', scope)).toBe('unchanged');
    expect(await store.set('KAFKA_BOOTSTRAP_SERVERS', 'kafka:9093', scope)).toBe('updated');
    expect(await store.set('NEW_ONE', 'a b', scope)).toBe('created');
    expect(readFileSync(file, 'utf8')).toBe(
      '# c\nexport POSTGRES_PASSWORD="s3cret-pw"\nKAFKA_BOOTSTRAP_SERVERS=kafka:9093\nX=$(touch /tmp/never)\nNEW_ONE=\'a b\'\n',
    );
    expect(readEnvFile(join(dir, 'missing'), { optional: true })).toEqual({});
  });
});
