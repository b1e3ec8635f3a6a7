// Pure parts of the registry adapters: backoff maths, retry loop on a fake clock, naming rules, argv plans.

import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  formatSeconds,
  parseRetryAfterMs,
  retryLoop,
  type HttpDeps,
} from '../src/adapters/registry/backoff.js';
import { createRegistry } from '../src/adapters/registry/index.js';
import {
  nerfDart,
  npmDigestMatches,
  npmPublishArgv,
  npmrcText,
  npmTarballFilename,
  packumentUrl,
} from '../src/adapters/registry/npm.js';
import {
  classifyTwineFailure,
  pypiBuildArgv,
  pythonBinary,
  twineEnv,
  twineUploadArgv,
} from '../src/adapters/registry/pypi-build.js';
import {
  fileMatchesVersion,
  filenameVersion,
  normalizePypiName,
  parseSimpleIndex,
  pep440Normalize,
} from '../src/adapters/registry/pypi-names.js';
import { simpleProjectUrl, jsonVersionUrl } from '../src/adapters/registry/pypi.js';
import { npmRegistrySchema, pypiRegistrySchema } from '../src/config/sections/registries.js';
import { ErrorCode, FerryError } from '../src/errors.js';

/** A clock that only moves when the loop sleeps. */
function fakeClock(): HttpDeps & { slept: number[]; t: number } {
  const c = {
    t: 1_000_000,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
    random: () => 0.5,
    policy: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 },
  };
  return c;
}

describe('backoff', () => {
  it('grows exponentially, caps, and jitters within ±jitter', () => {
    const p = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, p, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoffDelayMs(3, p, () => 0)).toBe(320);
    expect(backoffDelayMs(3, p, () => 0.999999)).toBe(480);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('3', now)).toBe(3000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect([formatSeconds(1000), formatSeconds(500), formatSeconds(12_345)]).toEqual(['1s', '0.5s', '12s']);
  });

  it('retryLoop: backoff, Retry-After wins when longer, logs each wait, returns the result', async () => {
    const clock = fakeClock();
    const logs: string[] = [];
    const answers = [{ retry: 'a' }, { retry: 'HTTP 429', retryAfterMs: 3000 }, { retry: 'b' }, { done: 'ok' }];
    const got = await retryLoop(
      async (n) => answers[n - 1]!,
      {
        label: 'thing',
        log: (m) => logs.push(m),
        deadline: clock.t + 60_000,
        onGiveUp: () => new FerryError(ErrorCode.PYPI_TIMEOUT, 'x'),
      },
      clock,
    );
    expect(got).toBe('ok');
    expect(clock.slept).toEqual([100, 3000, 400]);
    expect(logs).toEqual([
      'waiting for thing (retry in 0.1s): a',
      'waiting for thing (retry in 3s): HTTP 429',
      'waiting for thing (retry in 0.4s): b',
    ]);
  });

  it('retryLoop: never sleeps past the deadline, tries once more at it, then gives up', async () => {
    const clock = fakeClock();
    let tries = 0;
    const err: FerryError = await retryLoop<never>(
      async () => {
        tries++;
        return { retry: `try ${tries}` };
      },
      {
        label: 'x',
        log: () => {},
        deadline: clock.t + 1000,
        onGiveUp: (why) => new FerryError(ErrorCode.PYPI_TIMEOUT, `gave up after ${why}`),
      },
      clock,
    ).catch((e: unknown) => e as FerryError);
    expect(err).toBeInstanceOf(FerryError);
    expect(err.code).toBe('PYPI_TIMEOUT');
    expect(err.message).toBe(`gave up after try ${tries}`);
    expect(clock.slept).toEqual([100, 200, 400, 300]);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('retryLoop: an aborted signal stops before the next try', async () => {
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(
      retryLoop(async () => ({ done: 1 }), {
        label: 'x',
        log: () => {},
        signal: ac.signal,
        deadline: Date.now() + 1000,
        onGiveUp: () => new FerryError(ErrorCode.PYPI_TIMEOUT, 'x'),
      }),
    ).rejects.toThrow('cancelled');
  });
});

describe('npm plans', () => {
  it('encodes scoped packuments and names tarballs like npm pack', () => {
    expect(packumentUrl('http://127.0.0.1:4873', '@scope/pkg')).toBe('http://127.0.0.1:4873/@scope%2Fpkg');
    expect(packumentUrl('https://r.example/npm/', 'pkg')).toBe('https://r.example/npm/pkg');
    expect(npmTarballFilename('@scope/pkg', '1.2.3')).toBe('scope-pkg-1.2.3.tgz');
    expect(npmTarballFilename('pkg', '1.2.3')).toBe('pkg-1.2.3.tgz');
  });

  it('writes the token under the registry nerf dart, and keeps it out of argv', () => {
    expect(nerfDart('https://r.example/npm')).toBe('//r.example/npm/');
    expect(npmrcText('http://127.0.0.1:4873', 'T0KEN')).toBe(
      'registry=http://127.0.0.1:4873/\n//127.0.0.1:4873/:_authToken=T0KEN\n',
    );
    expect(
      npmPublishArgv('/d/p.tgz', { url: 'http://127.0.0.1:4873', access: 'public', tag: 'next' }, '/tmp/x/npmrc'),
    ).toEqual([
      'publish',
      '/d/p.tgz',
      '--registry',
      'http://127.0.0.1:4873/',
      '--userconfig',
      '/tmp/x/npmrc',
      '--fetch-retries=0',
      '--access',
      'public',
      '--tag',
      'next',
    ]);
  });

  it('compares packument digests (sha512 SRI, multi-hash, sha1 shasum) with the local tarball', () => {
    const local = { integrity: 'sha512-abc==', shasum: 'a'.repeat(40) };
    expect(npmDigestMatches('sha512-abc==', local)).toBe(true);
    expect(npmDigestMatches('sha1-xyz= sha512-abc==', local)).toBe(true);
    expect(npmDigestMatches('sha512-other==', local)).toBe(false);
    expect(npmDigestMatches('a'.repeat(40), local)).toBe(true);
    expect(npmDigestMatches('b'.repeat(40), local)).toBe(false);
    expect(npmDigestMatches(`sha1-${Buffer.from('a'.repeat(40), 'hex').toString('base64')}`, local)).toBe(true);
  });

  it('describe() shows every command and request without the token', () => {
    const cfg = npmRegistrySchema.parse({ kind: 'npm', url: 'http://127.0.0.1:4873', token_env: 'MY_NPM_TOKEN' });
    const lines = createRegistry(cfg, { MY_NPM_TOKEN: 'secret-token-value' }).describe!({
      name: '@s/p',
      version: '1.0.0',
      packageDir: '/w/p',
      distDir: '/w/dist',
      log: () => {},
    });
    expect(lines.join('\n')).toContain('npm pack --json --pack-destination /w/dist');
    expect(lines.join('\n')).toContain('npm publish /w/dist/s-p-1.0.0.tgz --registry http://127.0.0.1:4873/');
    expect(lines.join('\n')).toContain('$MY_NPM_TOKEN');
    expect(lines.join('\n')).not.toContain('secret-token-value');
  });
});

describe('PyPI names', () => {
  it('normalises names (PEP 503) and versions (light PEP 440)', () => {
    expect(normalizePypiName('Ferry.Tiny__pkg')).toBe('ferry-tiny-pkg');
    expect(
      ['1.0.0', 'v1.0.0', '1.0.0-rc.1', '1.0.0RC1', '1.0.0.alpha2', '1.0-post1', '1.0.dev3', '2.0b'].map(
        pep440Normalize,
      ),
    ).toEqual(['1.0.0', '1.0.0', '1.0.0rc1', '1.0.0rc1', '1.0.0a2', '1.0.post1', '1.0.dev3', '2.0b0']);
  });

  it('reads the version a wheel or sdist filename declares', () => {
    expect(filenameVersion('Ferry.Tiny_pkg-1.0.0-py3-none-any.whl')).toEqual({
      name: 'Ferry.Tiny_pkg',
      version: '1.0.0',
    });
    expect(filenameVersion('omnibase-core-2.1.0.tar.gz')).toEqual({ name: 'omnibase-core', version: '2.1.0' });
    expect(filenameVersion('README.md')).toBeUndefined();
    expect(fileMatchesVersion('omnibase_core-2.1.0-py3-none-any.whl', 'omnibase-core', '2.1.0')).toBe(true);
    expect(fileMatchesVersion('omnibase_core-2.1.0-py3-none-any.whl', 'omnibase-core', '2.1.1')).toBe(false);
    expect(fileMatchesVersion('omnibase_core_extra-2.1.0.tar.gz', 'omnibase-core', '2.1.0')).toBe(false);
  });

  it('parses PEP 691 JSON and PEP 503 HTML project pages', () => {
    const json = JSON.stringify({
      meta: { 'api-version': '1.1' },
      name: 'p',
      files: [{ filename: 'p-1.0.0.tar.gz', url: '/x', hashes: { sha256: 'ab' } }],
    });
    expect(parseSimpleIndex(json, 'application/vnd.pypi.simple.v1+json')).toEqual([
      { filename: 'p-1.0.0.tar.gz', sha256: 'ab' },
    ]);
    const sha = 'c'.repeat(64);
    const html = `<html><body><a href="/files/p-1.0.0-py3-none-any.whl#sha256=${sha}" data-requires-python="&gt;=3.8">p-1.0.0-py3-none-any.whl</a><br/><a href="/files/p-0.9.tar.gz">p-0.9.tar.gz</a></body></html>`;
    expect(parseSimpleIndex(html, 'text/html')).toEqual([
      { filename: 'p-1.0.0-py3-none-any.whl', sha256: sha },
      { filename: 'p-0.9.tar.gz' },
    ]);
  });

  it('builds index URLs', () => {
    expect(simpleProjectUrl('https://pypi.org', 'Omnibase_Core')).toBe('https://pypi.org/simple/omnibase-core/');
    expect(jsonVersionUrl('https://pypi.org/', 'omnibase_core', '1.2.3')).toBe(
      'https://pypi.org/pypi/omnibase_core/1.2.3/json',
    );
  });
});

describe('PyPI plans', () => {
  const cfg = pypiRegistrySchema.parse({
    kind: 'pypi',
    url: 'https://upload.pypi.org/legacy/',
    index: 'https://pypi.org',
  });

  it('prefers /usr/bin/python3, then python3, unless configured', () => {
    expect(pythonBinary({}, () => true)).toBe('/usr/bin/python3');
    expect(pythonBinary({}, () => false)).toBe('python3');
    expect(pythonBinary({ python: '/opt/py/bin/python' }, () => true)).toBe('/opt/py/bin/python');
  });

  it('fills the build and twine commands; the password travels only in the environment', () => {
    expect(pypiBuildArgv(cfg, '/usr/bin/python3', '/w/dist')).toEqual([
      '/usr/bin/python3',
      '-m',
      'build',
      '--no-isolation',
      '--outdir',
      '/w/dist',
      '.',
    ]);
    const argv = twineUploadArgv(cfg, '/usr/bin/python3', ['/w/dist/a.whl']);
    expect(argv).toEqual([
      '/usr/bin/python3',
      '-m',
      'twine',
      'upload',
      '--repository-url',
      'https://upload.pypi.org/legacy/',
      '-u',
      '__token__',
      '--non-interactive',
      '--disable-progress-bar',
      '/w/dist/a.whl',
    ]);
    expect(argv).not.toContain('-p');
    expect(twineEnv('__token__', 'pypi-xyz')).toMatchObject({ TWINE_PASSWORD: 'pypi-xyz', TWINE_NON_INTERACTIVE: '1' });
  });

  it('classifies twine failures', () => {
    expect(
      classifyTwineFailure(
        "HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\nFile already exists ('x', with sha256 hash 'y')",
      ),
    ).toEqual({ kind: 'exists' });
    expect(classifyTwineFailure('HTTPError: 429 Too Many Requests from http://x/')).toEqual({
      kind: 'transient',
      reason: 'HTTP 429',
    });
    expect(classifyTwineFailure('HTTPError: 503 Service Unavailable from http://x/')).toEqual({
      kind: 'transient',
      reason: 'HTTP 503',
    });
    expect(classifyTwineFailure('HTTPError: 403 Forbidden from http://x/')).toEqual({ kind: 'auth', status: 403 });
    expect(classifyTwineFailure("requests.exceptions.ConnectionError: ('Connection aborted.')")).toEqual({
      kind: 'transient',
      reason: 'connection error',
    });
    // What twine prints when nothing listens at the upload URL: refused, so a dead URL fails fast.
    expect(
      classifyTwineFailure(
        "requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=45827): Max retries exceeded with url: /legacy/ (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f40a197e850>: Failed to establish a new connection: [Errno 111] Connection refused'))",
      ),
    ).toEqual({ kind: 'transient', reason: 'connection refused', refused: true });
    expect(classifyTwineFailure('InvalidDistribution: Unknown distribution format')).toEqual({ kind: 'other' });
  });

  it('createRegistry picks the adapter by kind', () => {
    expect(createRegistry(cfg, {}).kind).toBe('pypi');
    expect(createRegistry(npmRegistrySchema.parse({ kind: 'npm', url: 'http://127.0.0.1:4873' }), {}).kind).toBe('npm');
  });
});
