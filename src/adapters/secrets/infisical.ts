// Infisical over its HTTP API: Universal Auth login (POST /api/v1/auth/universal-auth/login →
// accessToken), then the v3 raw secrets endpoints (GET/POST/PATCH /api/v3/secrets/raw[/{name}]).

import { ErrorCode, FerryError } from '../../errors.js';
import { addSecret } from '../../util/redact.js';
import type { SecretScope, SecretsStore, SetOutcome } from './types.js';

export interface InfisicalOptions {
  /** Base URL, e.g. https://app.infisical.com (no trailing /api). */
  addr: string;
  clientId: string;
  clientSecret: string;
  /** The variables the credentials came from, for the fix of a refused login (default Infisical's names). */
  envNames?: { clientId: string; clientSecret: string };
  timeoutMs?: number;
}

interface RawSecret {
  secretKey: string;
  secretValue: string;
}

export class InfisicalStore implements SecretsStore {
  readonly kind = 'infisical';
  private token: string | null = null;
  private readonly base: string;

  constructor(private readonly opts: InfisicalOptions) {
    this.base = opts.addr.replace(/\/+$/, '');
    addSecret(opts.clientSecret);
  }

  private fail(what: string, status: number | null, body: string): FerryError {
    const retryable = status === null || status >= 500 || status === 429;
    return new FerryError(
      ErrorCode.SECRETS_FAILED,
      `Infisical ${what} failed${status ? ` (HTTP ${status})` : ''}: ${body.slice(0, 200)}`,
      {
        retryable,
        details: { status },
        fix:
          status === 401 || status === 403
            ? `check $${this.opts.envNames?.clientId ?? 'INFISICAL_CLIENT_ID'} / $${this.opts.envNames?.clientSecret ?? 'INFISICAL_CLIENT_SECRET'} and the identity's project access`
            : undefined,
      },
    );
  }

  private async request(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    auth = true,
  ): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers.authorization = `Bearer ${await this.login()}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (e) {
      throw this.fail(what, null, (e as Error).message);
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json: json ?? text };
  }

  /** Universal Auth login; the token is cached for this store's lifetime. */
  async login(): Promise<string> {
    if (this.token) return this.token;
    const r = await this.request(
      'POST',
      '/api/v1/auth/universal-auth/login',
      'login',
      { clientId: this.opts.clientId, clientSecret: this.opts.clientSecret },
      false,
    );
    const token = (r.json as { accessToken?: string } | null)?.accessToken;
    if (r.status !== 200 || !token) throw this.fail('login', r.status, JSON.stringify(r.json));
    addSecret(token);
    this.token = token;
    return token;
  }

  private query(scope: SecretScope): string {
    const q = new URLSearchParams({ environment: scope.environment, secretPath: scope.path ?? '/' });
    if (scope.projectId) q.set('workspaceId', scope.projectId);
    return q.toString();
  }

  async list(scope: SecretScope): Promise<Record<string, string>> {
    const r = await this.request('GET', `/api/v3/secrets/raw?${this.query(scope)}`, 'list secrets');
    if (r.status !== 200) throw this.fail('list secrets', r.status, JSON.stringify(r.json));
    const out: Record<string, string> = {};
    for (const s of (r.json as { secrets?: RawSecret[] }).secrets ?? []) {
      addSecret(s.secretValue);
      out[s.secretKey] = s.secretValue;
    }
    return out;
  }

  async get(key: string, scope: SecretScope): Promise<string | null> {
    const r = await this.request(
      'GET',
      `/api/v3/secrets/raw/${encodeURIComponent(key)}?${this.query(scope)}`,
      `get ${key}`,
    );
    if (r.status === 404) return null;
    if (r.status !== 200) throw this.fail(`get ${key}`, r.status, JSON.stringify(r.json));
    const value = (r.json as { secret?: RawSecret }).secret?.secretValue ?? null;
    addSecret(value);
    return value;
  }

  async set(key: string, value: string, scope: SecretScope): Promise<SetOutcome> {
    addSecret(value);
    const current = await this.get(key, scope);
    if (current === value) return 'unchanged';
    const body = {
      workspaceId: scope.projectId,
      environment: scope.environment,
      secretPath: scope.path ?? '/',
      secretValue: value,
      type: 'shared',
    };
    const method = current === null ? 'POST' : 'PATCH';
    const r = await this.request(
      method,
      `/api/v3/secrets/raw/${encodeURIComponent(key)}`,
      `${current === null ? 'create' : 'update'} ${key}`,
      body,
    );
    if (r.status !== 200)
      throw this.fail(`${current === null ? 'create' : 'update'} ${key}`, r.status, JSON.stringify(r.json));
    return current === null ? 'created' : 'updated';
  }
}
