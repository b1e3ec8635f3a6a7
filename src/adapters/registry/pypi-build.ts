// Pure command plans for Python publishing: which interpreter, the build argv, the twine argv, the
// sdist normaliser, and how to read twine's failure output.

import { existsSync } from 'node:fs';
import type { PypiRegistryConfig } from '../../config/sections/registries.js';

/** 1980-01-01, the earliest time a zip (wheel) can hold; the fixed mtime of reproducible artifacts. */
export const REPRODUCIBLE_EPOCH = '315532800';

/**
 * The configured interpreter, else /usr/bin/python3 when present (NOTE: a pyenv/venv python3 first
 * on PATH often lacks the distro's `build` and `twine` modules), else python3.
 */
export function pythonBinary(
  cfg: Pick<PypiRegistryConfig, 'python'>,
  exists: (p: string) => boolean = existsSync,
): string {
  if (cfg.python) return cfg.python;
  return exists('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function fill(argv: readonly string[], vars: Record<string, string>): string[] {
  return argv.map((a) => a.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m));
}

/** Build command with `{python}` and `{dist}` filled in: [file, ...args]. */
export function pypiBuildArgv(cfg: Pick<PypiRegistryConfig, 'build'>, python: string, distDir: string): string[] {
  return fill(cfg.build, { python, dist: distDir });
}

/** twine upload argv; the password travels in TWINE_PASSWORD, never in argv. */
export function twineUploadArgv(
  cfg: Pick<PypiRegistryConfig, 'twine' | 'url' | 'username'>,
  python: string,
  files: readonly string[],
): string[] {
  return [
    ...fill(cfg.twine, { python }),
    'upload',
    '--repository-url',
    cfg.url,
    '-u',
    cfg.username,
    '--non-interactive',
    '--disable-progress-bar',
    ...files,
  ];
}

/** Env for twine: credentials, no prompts, no keyring lookups (which can hang on headless machines). */
export function twineEnv(username: string, token: string): Record<string, string> {
  return {
    TWINE_USERNAME: username,
    TWINE_PASSWORD: token,
    TWINE_NON_INTERACTIVE: '1',
    PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
  };
}

/**
 * Rewrites an sdist so its bytes depend only on its contents: fixed mtimes, owners, and gzip header.
 * setuptools stamps build time into the tarball, so without this every rebuild of the same source gets
 * a new sha256 and a resumed publish would look like a conflict. argv: <file> <epoch>.
 */
export const NORMALIZE_SDIST_PY = `
import gzip, io, os, sys, tarfile
path, epoch = sys.argv[1], int(sys.argv[2])
with tarfile.open(path, 'r:gz') as src:
    fmt = src.format
    items = [(m, src.extractfile(m).read() if m.isfile() else None) for m in src.getmembers()]
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w', format=fmt) as dst:
    for m, data in items:
        m.mtime = epoch
        m.uid = m.gid = 0
        m.uname = m.gname = ''
        m.pax_headers = {k: v for k, v in m.pax_headers.items() if k not in ('mtime', 'atime', 'ctime', 'uid', 'gid', 'uname', 'gname')}
        dst.addfile(m, io.BytesIO(data) if data is not None else None)
tmp = path + '.ferry-tmp'
with open(tmp, 'wb') as raw:
    with gzip.GzipFile(filename='', mode='wb', fileobj=raw, mtime=0) as gz:
        gz.write(buf.getvalue())
os.replace(tmp, path)
`;

export function normalizeSdistArgv(python: string, file: string, epoch: string): string[] {
  return [python, '-c', NORMALIZE_SDIST_PY, file, epoch];
}

export type TwineFailure =
  | { kind: 'exists' }
  | { kind: 'transient'; reason: string; refused?: true }
  | { kind: 'auth'; status: number }
  | { kind: 'other' };

/** Read twine's output: "HTTPError: 400 Bad Request from <url>\nFile already exists", 429, 5xx, connection errors. */
export function classifyTwineFailure(output: string): TwineFailure {
  const status = Number(/HTTPError:\s*(\d{3})/.exec(output)?.[1] ?? 0);
  if (/already exists/i.test(output) && (status === 400 || status === 409 || status === 0)) return { kind: 'exists' };
  if (status === 429 || status === 408 || status >= 500) return { kind: 'transient', reason: `HTTP ${status}` };
  if (status === 401 || status === 403) return { kind: 'auth', status };
  // Nothing listens at the upload URL (a wrong port, the registry down): not slow, so not waited out for
  // the whole retry budget — the retry loop gives up after a few refusals in a row.
  if (/\[Errno 111\] Connection refused|Name or service not known|nodename nor servname provided/i.test(output))
    return { kind: 'transient', reason: 'connection refused', refused: true };
  if (
    /ConnectionError|Connection refused|Connection aborted|timed out|RemoteDisconnected|Max retries exceeded/i.test(
      output,
    )
  ) {
    return { kind: 'transient', reason: 'connection error' };
  }
  return { kind: 'other' };
}
