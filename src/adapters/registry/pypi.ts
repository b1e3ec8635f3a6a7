// PyPI adapter: `python3 -m build` → sha256 per file → JSON API (and simple index) lookup → real
// `twine upload` of only the missing files → poll the PEP 691 simple index, which is what pip reads
// (PyPI's JSON API shows a release before pip can install it).

import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErrorCode, FerryError } from '../../errors.js';
import type { PypiRegistryConfig } from '../../config/sections/registries.js';
import { exec as defaultExec, formatCommand, tail, type Exec } from '../../util/process.js';
import { getAttempt, getWithRetry, retryLoop, type AttemptResult, type HttpResponse } from './backoff.js';
import {
  DEFAULT_RETRY_BUDGET_MS,
  baseUrl,
  fileDigests,
  registryTimeout,
  registryUnavailable,
  resolveToken,
  type RegistryDeps,
} from './common.js';
import {
  REPRODUCIBLE_EPOCH,
  classifyTwineFailure,
  normalizeSdistArgv,
  pypiBuildArgv,
  pythonBinary,
  twineEnv,
  twineUploadArgv,
} from './pypi-build.js';
import {
  SIMPLE_ACCEPT,
  assertPep440,
  assertPypiName,
  fileMatchesVersion,
  normalizePypiName,
  parseSimpleIndex,
  pep440Normalize,
} from './pypi-names.js';
import type { Artifact, PublishInput, PublishedVersion, Registry, WaitOptions } from './types.js';

async function buildLeftovers(dir: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (const sub of [dir, join(dir, 'src')]) {
    const entries = await readdir(sub).catch(() => [] as string[]);
    for (const e of entries) if ((sub === dir && e === 'build') || e.endsWith('.egg-info')) found.add(join(sub, e));
  }
  return found;
}

export function simpleProjectUrl(index: string, name: string): string {
  return `${baseUrl(index)}simple/${normalizePypiName(name)}/`;
}

export function jsonVersionUrl(index: string, name: string, version: string): string {
  return `${baseUrl(index)}pypi/${encodeURIComponent(name)}/${encodeURIComponent(pep440Normalize(version))}/json`;
}

interface JsonVersionDoc {
  urls?: Array<{ filename?: string; digests?: { sha256?: string } }>;
}

export class PypiRegistry implements Registry {
  readonly kind = 'pypi' as const;
  private readonly token: string;
  private readonly tokenFromEnv: boolean;
  private readonly exec: Exec;
  private readonly python: string;
  private readonly label: string;

  constructor(
    private readonly cfg: PypiRegistryConfig,
    env: Record<string, string | undefined>,
    private readonly deps: RegistryDeps = {},
  ) {
    ({ token: this.token, fromEnv: this.tokenFromEnv } = resolveToken(env, cfg.token_env));
    this.exec = deps.exec ?? defaultExec;
    this.python = pythonBinary(cfg);
    this.label = `Python index ${baseUrl(cfg.index)}`;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private retryOpts(what: string, log: (m: string) => void, signal?: AbortSignal) {
    return {
      label: `${this.label} (${what})`,
      log,
      signal,
      deadline: this.now() + (this.deps.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS),
      onGiveUp: (why: string) => registryUnavailable(this.label, what, why),
    };
  }

  /** @throws PUBLISH_FAILED on unexpected statuses or when 429/5xx outlast the retry budget. */
  async lookup(name: string, version: string): Promise<PublishedVersion> {
    return this.lookupLogged(name, version, this.deps.log ?? (() => {}));
  }

  private async lookupLogged(
    name: string,
    version: string,
    log: (m: string) => void,
    signal?: AbortSignal,
  ): Promise<PublishedVersion> {
    assertPypiName(name);
    assertPep440(version);
    const files: Record<string, string> = {};
    const url = jsonVersionUrl(this.cfg.index, name, version);
    const res = await getWithRetry(
      url,
      { accept: 'application/json' },
      this.retryOpts(`release ${name} ${version}`, log, signal),
      this.deps,
    );
    if (res.status === 200) {
      for (const f of this.parseJson<JsonVersionDoc>(res, url).urls ?? [])
        if (f.filename) files[f.filename] = f.digests?.sha256 ?? '';
    } else if (res.status !== 404) {
      throw this.httpError(res, `the JSON API for ${name} ${version}`);
    }
    // Indexes without a JSON API (and files the JSON API has not caught up with) still show here.
    for (const f of await this.simpleFiles(name, log, signal)) {
      if (fileMatchesVersion(f.filename, name, version) && files[f.filename] === undefined)
        files[f.filename] = f.sha256 ?? '';
    }
    return { exists: Object.keys(files).length > 0, files };
  }

  private async simpleFiles(name: string, log: (m: string) => void, signal?: AbortSignal) {
    const url = simpleProjectUrl(this.cfg.index, name);
    const res = await getWithRetry(
      url,
      { accept: SIMPLE_ACCEPT },
      this.retryOpts(`simple index of ${name}`, log, signal),
      this.deps,
    );
    if (res.status === 404) return [];
    if (res.status !== 200) throw this.httpError(res, `the simple index of ${name}`);
    return parseSimpleIndex(res.text, res.headers.get('content-type'));
  }

  private parseJson<T>(res: HttpResponse, url: string): T {
    try {
      return JSON.parse(res.text) as T;
    } catch {
      throw new FerryError(ErrorCode.PUBLISH_FAILED, `${this.label} returned invalid JSON for ${url}`);
    }
  }

  private httpError(res: HttpResponse, what: string): FerryError {
    const hint = res.status === 401 || res.status === 403 ? `; check the token in $${this.cfg.token_env}` : '';
    return new FerryError(ErrorCode.PUBLISH_FAILED, `${this.label} answered HTTP ${res.status} for ${what}${hint}`, {
      details: { status: res.status },
    });
  }

  describe(input: PublishInput): string[] {
    const [file = '', ...args] = pypiBuildArgv(this.cfg, this.python, input.distDir);
    const [twine = '', ...twineArgs] = twineUploadArgv(this.cfg, this.python, [
      `${input.distDir}/<files not yet on the index>`,
    ]);
    return [
      `(cd ${input.packageDir} && SOURCE_DATE_EPOCH=${REPRODUCIBLE_EPOCH} ${formatCommand(file, args)})`,
      `GET ${jsonVersionUrl(this.cfg.index, input.name, input.version)}  # skip files already there with the same sha256`,
      `TWINE_PASSWORD=$${this.cfg.token_env} ${formatCommand(twine, twineArgs)}`,
      `poll ${simpleProjectUrl(this.cfg.index, input.name)} (PEP 691 JSON) until a ${input.version} file is listed`,
    ];
  }

  /** @throws COMMAND_FAILED/PUBLISH_FAILED when the build fails or produces nothing for this version. */
  async build(input: PublishInput): Promise<Artifact[]> {
    assertPypiName(input.name);
    assertPep440(input.version);
    const distDir = resolve(input.distDir);
    await mkdir(distDir, { recursive: true });
    const [file, ...args] = pypiBuildArgv(this.cfg, this.python, distDir);
    if (!file) throw new FerryError(ErrorCode.CONFIG_INVALID, 'registries.<pypi>.build is empty');
    const env = this.cfg.reproducible ? { SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? REPRODUCIBLE_EPOCH } : {};
    const before = await buildLeftovers(input.packageDir);
    try {
      await this.exec(file, args, {
        cwd: input.packageDir,
        env,
        signal: input.signal,
        failCode: ErrorCode.PUBLISH_FAILED,
      });
    } finally {
      // setuptools leaves build/ and *.egg-info in the source tree; remove what this build created so the
      // worktree stays clean for a resumed run.
      for (const p of await buildLeftovers(input.packageDir))
        if (!before.has(p)) await rm(p, { recursive: true, force: true });
    }
    const names = (await readdir(distDir)).filter((f) => fileMatchesVersion(f, input.name, input.version)).sort();
    if (names.length === 0) {
      throw new FerryError(
        ErrorCode.PUBLISH_FAILED,
        `the build in ${input.packageDir} produced no distribution of ${input.name} ${input.version} in ${distDir}`,
        {
          details: { found: await readdir(distDir) },
        },
      );
    }
    const artifacts: Artifact[] = [];
    for (const filename of names) {
      const path = join(distDir, filename);
      if (this.cfg.reproducible && /\.tar\.gz$/.test(filename)) {
        const [py = this.python, ...pyArgs] = normalizeSdistArgv(
          this.python,
          path,
          process.env.SOURCE_DATE_EPOCH ?? REPRODUCIBLE_EPOCH,
        );
        await this.exec(py, pyArgs, { signal: input.signal, failCode: ErrorCode.PUBLISH_FAILED });
      }
      artifacts.push({ path, filename, sha256: (await fileDigests(path)).sha256 });
    }
    input.log(`built ${artifacts.map((a) => a.filename).join(', ')}`);
    return artifacts;
  }

  /** Files already on the index: equal digest → fine; different → PUBLISH_CONFLICT. Returns the missing ones. */
  private missing(remote: PublishedVersion, artifacts: Artifact[], name: string, version: string): Artifact[] {
    const conflicts = artifacts.filter(
      (a) =>
        remote.files[a.filename] !== undefined &&
        remote.files[a.filename] !== '' &&
        remote.files[a.filename] !== a.sha256,
    );
    if (conflicts.length > 0) {
      const list = conflicts
        .map((a) => `${a.filename} (index ${remote.files[a.filename]?.slice(0, 12)}…, local ${a.sha256.slice(0, 12)}…)`)
        .join(', ');
      throw new FerryError(
        ErrorCode.PUBLISH_CONFLICT,
        `${this.label} already has ${name} ${version} with different content: ${list}`,
        {
          fix: `bump the version of ${name} (an uploaded file can never be replaced), then ferry release --resume <run_id>`,
          details: { package: name, version, files: conflicts.map((a) => a.filename) },
        },
      );
    }
    return artifacts.filter((a) => remote.files[a.filename] === undefined);
  }

  /**
   * Upload the files the index lacks with real twine.
   * @throws PUBLISH_CONFLICT when a filename exists with another sha256; PUBLISH_FAILED on auth or
   * unknown twine failures, or when 429/5xx outlast the retry budget.
   */
  async publish(input: PublishInput, artifacts: Artifact[]): Promise<'uploaded' | 'skipped'> {
    assertPypiName(input.name);
    assertPep440(input.version);
    if (artifacts.length === 0)
      throw new FerryError(ErrorCode.PUBLISH_FAILED, `no artifacts to upload for ${input.name} ${input.version}`);
    if (!this.tokenFromEnv)
      input.log(`$${this.cfg.token_env} is not set; uploading with a placeholder password (anonymous indexes only)`);
    let uploadedAny = false;
    return retryLoop<'uploaded' | 'skipped'>(
      async (): Promise<AttemptResult<'uploaded' | 'skipped'>> => {
        // Ask first on every attempt: a failed upload may have landed, and exactly-once beats retrying blind.
        const remote = await this.lookupLogged(input.name, input.version, input.log, input.signal);
        const todo = this.missing(remote, artifacts, input.name, input.version);
        if (todo.length === 0) {
          if (!uploadedAny)
            input.log(
              `${input.name} ${input.version} is already on ${this.label} with the same files; skipping upload`,
            );
          return { done: uploadedAny ? 'uploaded' : 'skipped' };
        }
        const argv = twineUploadArgv(
          this.cfg,
          this.python,
          todo.map((a) => resolve(a.path)),
        );
        const [file = this.python, ...args] = argv;
        const r = await this.exec(file, args, {
          env: twineEnv(this.cfg.username, this.token),
          signal: input.signal,
          reject: false,
        });
        if (!r.failed) {
          input.log(`uploaded ${todo.map((a) => a.filename).join(', ')} to ${baseUrl(this.cfg.url)}`);
          return { done: 'uploaded' };
        }
        const out = r.all || r.shortMessage;
        const failure = classifyTwineFailure(out);
        if (failure.kind === 'exists') return { retry: 'the index reports a file already exists; checking its digest' };
        if (failure.kind === 'transient') {
          uploadedAny = true; // it may have landed; the next lookup tells
          return {
            retry: `twine upload failed transiently (${failure.reason})`,
            ...(failure.refused ? { refused: true } : {}),
          };
        }
        const hint = failure.kind === 'auth' ? ` — check the token in $${this.cfg.token_env}` : '';
        throw new FerryError(ErrorCode.PUBLISH_FAILED, `${r.command} exited ${r.exitCode}${hint}:\n${tail(out, 12)}`, {
          fix: 'ferry release --resume <run_id>',
          details: { command: r.command, exitCode: r.exitCode },
        });
      },
      this.retryOpts(`upload of ${input.name} ${input.version}`, input.log, input.signal),
      this.deps,
    );
  }

  /** @throws PYPI_TIMEOUT when the simple index (what pip reads) doesn't list a file of this version in time. */
  async waitVisible(
    name: string,
    version: string,
    timeoutMs: number,
    log: (m: string) => void,
    signal?: AbortSignal,
    opts: WaitOptions = {},
  ): Promise<void> {
    assertPypiName(name);
    assertPep440(version);
    const url = simpleProjectUrl(this.cfg.index, name);
    await retryLoop<true>(
      async () => {
        const r = await getAttempt(url, { accept: SIMPLE_ACCEPT }, this.deps, signal);
        if ('retry' in r) return r;
        if (r.done.status === 404) return { retry: `${normalizePypiName(name)} not on the simple index yet` };
        if (r.done.status !== 200) return { retry: `HTTP ${r.done.status}` };
        const files = parseSimpleIndex(r.done.text, r.done.headers.get('content-type'));
        return files.some((f) => fileMatchesVersion(f.filename, name, version))
          ? { done: true }
          : { retry: `no ${version} file on the simple index yet` };
      },
      {
        label: `${this.label} to serve ${name} ${version}`,
        log,
        signal,
        deadline: this.now() + timeoutMs,
        onGiveUp: (why) => registryTimeout(this.label, name, version, timeoutMs, why, opts.fix),
      },
      this.deps,
    );
    log(`${name} ${version} is served by ${this.label} (simple index)`);
  }
}
