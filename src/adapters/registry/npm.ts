// npm registry adapter: `npm pack` → digests → packument lookup → `npm publish <tgz>` with a throw-away
// userconfig carrying the token → poll the packument until the version is listed.
// Works against registry.npmjs.org and any compatible registry (Verdaccio in tests).

import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import semver from 'semver';
import { ErrorCode, FerryError } from '../../errors.js';
import type { NpmRegistryConfig } from '../../config/sections/registries.js';
import { exec as defaultExec, formatCommand, tail, type Exec } from '../../util/process.js';
import { getAttempt, getWithRetry, retryLoop, type AttemptResult } from './backoff.js';
import {
  DEFAULT_RETRY_BUDGET_MS,
  badInput,
  baseUrl,
  fileDigests,
  registryTimeout,
  registryUnavailable,
  resolveToken,
  type RegistryDeps,
} from './common.js';
import type { Artifact, PublishInput, PublishedVersion, Registry, WaitOptions } from './types.js';

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
/** What `npm install` asks for: the abbreviated ("corgi") packument. */
const INSTALL_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

export function assertNpmName(name: string): void {
  if (name.length > 214 || !NPM_NAME.test(name))
    throw badInput('npm package name', name, 'a lowercase npm name such as pkg or @scope/pkg');
}

export function assertSemver(version: string): void {
  if (semver.valid(version) !== version) throw badInput('version', version, 'a semver version such as 1.2.3');
}

/** Scoped names keep the @ and encode the slash: `@scope%2fname`. */
export function packumentUrl(registryUrl: string, name: string): string {
  return `${baseUrl(registryUrl)}${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`;
}

/** The file `npm pack` writes: `@scope/name` → `scope-name-1.2.3.tgz`. */
export function npmTarballFilename(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** npm's "nerf dart": the registry URL without protocol, the key npmrc credentials are stored under. */
export function nerfDart(registryUrl: string): string {
  const u = new URL(baseUrl(registryUrl));
  return `//${u.host}${u.pathname}`;
}

export function npmrcText(registryUrl: string, token: string): string {
  return `registry=${baseUrl(registryUrl)}\n${nerfDart(registryUrl)}:_authToken=${token}\n`;
}

export function npmPackArgv(distDir: string): string[] {
  return ['pack', '--json', '--pack-destination', distDir];
}

/** NOTE: `--fetch-retries=0`: ferry retries itself, asking the packument first (npm would re-PUT blind, after 10 s). */
export function npmPublishArgv(
  tgz: string,
  cfg: Pick<NpmRegistryConfig, 'url' | 'access' | 'tag'>,
  userconfig: string,
): string[] {
  const argv = ['publish', tgz, '--registry', baseUrl(cfg.url), '--userconfig', userconfig, '--fetch-retries=0'];
  if (cfg.access) argv.push('--access', cfg.access);
  if (cfg.tag) argv.push('--tag', cfg.tag);
  return argv;
}

/** Does a packument digest (SRI integrity, possibly multi-hash, or sha1 hex shasum) match the local tarball? */
export function npmDigestMatches(remote: string, local: Pick<Artifact, 'integrity' | 'shasum'>): boolean {
  if (/^[0-9a-f]{40}$/i.test(remote))
    return local.shasum !== undefined && remote.toLowerCase() === local.shasum.toLowerCase();
  const ours = local.integrity;
  if (!ours) return false;
  const sha512s = remote.split(/\s+/).filter((h) => h.startsWith('sha512-'));
  if (sha512s.length > 0) return sha512s.some((h) => h.split('?')[0] === ours);
  const sha1 = remote.split(/\s+/).find((h) => h.startsWith('sha1-'));
  return (
    sha1 !== undefined &&
    local.shasum !== undefined &&
    Buffer.from(sha1.slice(5), 'base64').toString('hex') === local.shasum
  );
}

interface PackumentVersion {
  dist?: { integrity?: string; shasum?: string; tarball?: string };
}
interface Packument {
  versions?: Record<string, PackumentVersion>;
}

/** npm output lines that mean "this version is already there" / "retry later" / "bad credentials". */
const CONFLICT_OUTPUT = /EPUBLISHCONFLICT|cannot publish over|previously published|E409|409 Conflict|already present/i;
const TRANSIENT_OUTPUT = /E429|E50[0-9]|ETIMEDOUT|ECONNRESET|ECONNREFUSED|EAI_AGAIN|socket hang up/i;
const AUTH_OUTPUT = /E401|E403|ENEEDAUTH|Unauthorized|Forbidden/i;

/** Drop inherited npm_config_* so only the flags ferry passes configure the publish. */
function cleanNpmEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) if (/^npm_config_/i.test(k)) out[k] = undefined;
  return out;
}

export class NpmRegistry implements Registry {
  readonly kind = 'npm' as const;
  private readonly token: string;
  private readonly tokenFromEnv: boolean;
  private readonly exec: Exec;
  private readonly label: string;

  constructor(
    private readonly cfg: NpmRegistryConfig,
    env: Record<string, string | undefined>,
    private readonly deps: RegistryDeps = {},
  ) {
    ({ token: this.token, fromEnv: this.tokenFromEnv } = resolveToken(env, cfg.token_env));
    this.exec = deps.exec ?? defaultExec;
    this.label = `npm registry ${baseUrl(cfg.url)}`;
  }

  private headers(): Record<string, string> {
    const h: Record<string, string> = { accept: INSTALL_ACCEPT };
    if (this.tokenFromEnv) h.authorization = `Bearer ${this.token}`;
    return h;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private parsePackument(text: string, url: string): Packument {
    try {
      return JSON.parse(text) as Packument;
    } catch {
      throw new FerryError(ErrorCode.PUBLISH_FAILED, `${this.label} returned a packument that is not JSON (${url})`);
    }
  }

  /** @throws PUBLISH_FAILED on 401/403/other errors, or when 429/5xx outlast the retry budget. */
  async lookup(name: string, version: string): Promise<PublishedVersion> {
    return this.lookupLogged(name, version, this.deps.log ?? (() => {}));
  }

  private async lookupLogged(name: string, version: string, log: (m: string) => void): Promise<PublishedVersion> {
    assertNpmName(name);
    assertSemver(version);
    const url = packumentUrl(this.cfg.url, name);
    const res = await getWithRetry(
      url,
      this.headers(),
      {
        label: `${this.label} (packument of ${name})`,
        log,
        deadline: this.now() + (this.deps.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS),
        onGiveUp: (why) => registryUnavailable(this.label, `reading the packument of ${name}`, why),
      },
      this.deps,
    );
    if (res.status === 404) return { exists: false, files: {} };
    if (res.status !== 200) {
      const hint = res.status === 401 || res.status === 403 ? `; check the token in $${this.cfg.token_env}` : '';
      throw new FerryError(
        ErrorCode.PUBLISH_FAILED,
        `${this.label} answered HTTP ${res.status} for the packument of ${name}${hint}`,
        {
          details: { status: res.status, package: name },
        },
      );
    }
    const v = this.parsePackument(res.text, url).versions?.[version];
    if (!v) return { exists: false, files: {} };
    const digest = v.dist?.integrity ?? v.dist?.shasum ?? '';
    return { exists: true, files: { [npmTarballFilename(name, version)]: digest } };
  }

  describe(input: PublishInput): string[] {
    const tgz = join(input.distDir, npmTarballFilename(input.name, input.version));
    return [
      `(cd ${input.packageDir} && ${formatCommand('npm', npmPackArgv(input.distDir))})`,
      `GET ${packumentUrl(this.cfg.url, input.name)}  # skip if ${input.version} has the same integrity`,
      formatCommand('npm', npmPublishArgv(tgz, this.cfg, '<temp npmrc with $' + this.cfg.token_env + '>')),
      `poll ${packumentUrl(this.cfg.url, input.name)} until versions["${input.version}"] is listed`,
    ];
  }

  /** @throws PUBLISH_FAILED when npm pack fails or packs another name/version than asked. */
  async build(input: PublishInput): Promise<Artifact[]> {
    assertNpmName(input.name);
    assertSemver(input.version);
    const distDir = resolve(input.distDir);
    await mkdir(distDir, { recursive: true });
    const r = await this.exec('npm', npmPackArgv(distDir), {
      cwd: input.packageDir,
      signal: input.signal,
      failCode: ErrorCode.PUBLISH_FAILED,
    });
    let filename = npmTarballFilename(input.name, input.version);
    let packed: { name?: string; version?: string; filename?: string } | undefined;
    try {
      // NOTE: lifecycle scripts (prepack) may print before the JSON; take the last JSON array.
      const start = r.stdout.lastIndexOf('\n[') >= 0 ? r.stdout.lastIndexOf('\n[') + 1 : r.stdout.indexOf('[');
      packed = (JSON.parse(r.stdout.slice(start)) as Array<typeof packed>)[0];
    } catch {
      packed = undefined;
    }
    if (packed && (packed.name !== input.name || packed.version !== input.version)) {
      throw new FerryError(
        ErrorCode.PUBLISH_FAILED,
        `npm pack in ${input.packageDir} produced ${packed.name}@${packed.version}, expected ${input.name}@${input.version}`,
        {
          details: { packed: `${packed.name}@${packed.version}` },
        },
      );
    }
    if (packed?.filename) filename = basename(packed.filename);
    const path = join(distDir, filename);
    const d = await fileDigests(path);
    input.log(`packed ${filename} (${d.integrity.slice(0, 20)}…)`);
    return [{ path, filename, sha256: d.sha256, integrity: d.integrity, shasum: d.sha1 }];
  }

  /** 'skipped' when the remote tarball equals ours; PUBLISH_CONFLICT when it differs. */
  private decide(remote: PublishedVersion, art: Artifact, name: string, version: string): 'skipped' | undefined {
    if (!remote.exists) return undefined;
    const digest = Object.values(remote.files)[0] ?? '';
    if (digest && npmDigestMatches(digest, art)) return 'skipped';
    throw new FerryError(
      ErrorCode.PUBLISH_CONFLICT,
      `${this.label} already has ${name}@${version} with a different tarball (registry ${digest.slice(0, 24) || 'no digest'}…, local ${art.integrity?.slice(0, 24)}…)`,
      {
        fix: `bump the version of ${name} (a published npm version can never be replaced), then ferry release --resume <run_id>`,
        details: { package: name, version, remote: digest, local: art.integrity },
      },
    );
  }

  /**
   * @throws PUBLISH_CONFLICT when the version exists with another tarball; PUBLISH_FAILED on auth
   * errors, unknown npm failures, or when 429/5xx outlast the retry budget.
   */
  async publish(input: PublishInput, artifacts: Artifact[]): Promise<'uploaded' | 'skipped'> {
    assertNpmName(input.name);
    assertSemver(input.version);
    const art = artifacts.find((a) => a.filename.endsWith('.tgz'));
    if (!art)
      throw new FerryError(ErrorCode.PUBLISH_FAILED, `no .tgz artifact to publish for ${input.name}@${input.version}`);
    if (!art.integrity || !art.shasum) {
      const d = await fileDigests(art.path);
      Object.assign(art, { integrity: d.integrity, shasum: d.sha1 });
    }

    const first = await this.lookupLogged(input.name, input.version, input.log);
    if (this.decide(first, art, input.name, input.version) === 'skipped') {
      input.log(`${input.name}@${input.version} is already on ${this.label} with the same tarball; skipping publish`);
      return 'skipped';
    }
    if (!this.tokenFromEnv)
      input.log(`$${this.cfg.token_env} is not set; publishing with a placeholder token (anonymous registries only)`);

    const scratch = await mkdtemp(join(tmpdir(), 'ferry-npmrc-'));
    try {
      const userconfig = join(scratch, 'npmrc');
      await writeFile(userconfig, npmrcText(this.cfg.url, this.token), { mode: 0o600 });
      await chmod(userconfig, 0o600);
      return await retryLoop<'uploaded' | 'skipped'>(
        async (n) => this.publishAttempt(n, input, art, userconfig, scratch),
        {
          label: `${this.label} to accept ${input.name}@${input.version}`,
          log: input.log,
          signal: input.signal,
          deadline: this.now() + (this.deps.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS),
          onGiveUp: (why) => registryUnavailable(this.label, `publishing ${input.name}@${input.version}`, why),
        },
        this.deps,
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async publishAttempt(
    n: number,
    input: PublishInput,
    art: Artifact,
    userconfig: string,
    cwd: string,
  ): Promise<AttemptResult<'uploaded' | 'skipped'>> {
    if (n > 1) {
      // A failed attempt may still have landed: ask before uploading again.
      const remote = await this.lookupLogged(input.name, input.version, input.log);
      if (this.decide(remote, art, input.name, input.version) === 'skipped') return { done: 'uploaded' };
    }
    // cwd is a scratch dir so no project .npmrc or workspace setting changes where this goes.
    const r = await this.exec('npm', npmPublishArgv(resolve(art.path), this.cfg, userconfig), {
      cwd,
      env: { ...cleanNpmEnv(process.env), npm_config_update_notifier: 'false' },
      signal: input.signal,
      reject: false,
    });
    if (!r.failed) {
      input.log(`published ${input.name}@${input.version} to ${this.label}`);
      return { done: 'uploaded' };
    }
    const out = r.all || r.shortMessage;
    if (CONFLICT_OUTPUT.test(out)) {
      const remote = await this.lookupLogged(input.name, input.version, input.log);
      if (this.decide(remote, art, input.name, input.version) === 'skipped')
        return { done: n > 1 ? 'uploaded' : 'skipped' };
      return { retry: `npm reported a conflict but the packument does not list ${input.version} yet` };
    }
    if (TRANSIENT_OUTPUT.test(out))
      return { retry: `npm publish failed transiently (${out.match(TRANSIENT_OUTPUT)?.[0]})` };
    const hint = AUTH_OUTPUT.test(out) ? ` — check the token in $${this.cfg.token_env}` : '';
    throw new FerryError(ErrorCode.PUBLISH_FAILED, `${r.command} exited ${r.exitCode}${hint}:\n${tail(out, 12)}`, {
      fix: 'ferry release --resume <run_id>',
      details: { command: r.command, exitCode: r.exitCode },
    });
  }

  /** @throws PYPI_TIMEOUT (the seed's code, both ecosystems) when the packument doesn't list the version in time. */
  async waitVisible(
    name: string,
    version: string,
    timeoutMs: number,
    log: (m: string) => void,
    signal?: AbortSignal,
    opts: WaitOptions = {},
  ): Promise<void> {
    assertNpmName(name);
    assertSemver(version);
    const url = packumentUrl(this.cfg.url, name);
    await retryLoop<true>(
      async () => {
        const r = await getAttempt(url, this.headers(), this.deps, signal);
        if ('retry' in r) return r;
        if (r.done.status === 404) return { retry: `${name} not found yet` };
        if (r.done.status !== 200) return { retry: `HTTP ${r.done.status}` };
        const p = this.parsePackument(r.done.text, url);
        return p.versions?.[version] ? { done: true } : { retry: `${version} not listed yet` };
      },
      {
        label: `${this.label} to serve ${name}@${version}`,
        log,
        signal,
        deadline: this.now() + timeoutMs,
        onGiveUp: (why) => registryTimeout(this.label, name, version, timeoutMs, why, opts.fix),
      },
      this.deps,
    );
    log(`${name}@${version} is served by ${this.label}`);
  }
}
