// PREFLIGHT: before the gate (and in the dry run), each package to publish is built in a scratch
// copy of the commit the release is cut from, with its new version and same-run pins applied, by the
// configured build; what was built is checked as the registry would see it: the version is the new
// one, and for a PyPI-style index no Requires-Dist is a direct URL (npm: the packed package.json has
// no file:/link:/git/workspace: dependency). A failure stops the run before any branch, tag, merge
// or upload, naming the package, the reason and the build's last lines.

import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq as pep440Eq } from '@renovatebot/pep440';
import type { Artifact, Registry } from '../adapters/registry/types.js';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { npmSourceKind, splitRequirement, urlKind } from '../manifest/requirement.js';
import { mapLimit } from '../util/concurrency.js';
import { tail, type Exec } from '../util/process.js';
import { formatTag, manifestFile } from './scan.js';
import { sameRunVersions } from './rewrites.js';
import { bumpedManifest, pinnedManifest } from './steps/edits.js';
import { setDunderVersion } from './versions/version-files.js';
import { npmWorkspaceVersions } from '../config/members.js';
import { resolveWorkspaceManifest } from '../manifest/workspace-protocol.js';
import type { DynamicVersion, PlanRow, ReleasePackage } from './types.js';
import { setPackedVersion } from './steps/workspace-protocol.js';
import type { ReleaseConfig } from '../config/sections/release.js';
import { passedAt, preflightKey, recordPass, type PreflightMemo } from './preflight-memo.js';

export interface PreflightInput {
  rows: readonly PlanRow[];
  packages: readonly ReleasePackage[];
  cfg: Pick<ReleaseConfig, 'pin_style' | 'preflight'>;
  exec: Exec;
  registry(key: string): Promise<Registry>;
  /** The interpreter that reads wheel/sdist metadata (the registry's `python`). */
  python(key: string): string;
  /** The ref each repo's release is cut from (what the scan read), by repo dir. */
  refOf(pkg: ReleasePackage): string;
  log(message: string): void;
  /** Remember a pass (and skip a build that already passed) for the same targets, commits and config. */
  memo?: PreflightMemo;
}

// Prints the core metadata of a wheel (.dist-info/METADATA) or an sdist (top-level PKG-INFO).
const PRINT_METADATA = `
import sys, tarfile, zipfile
p = sys.argv[1]
if p.endswith('.whl'):
    z = zipfile.ZipFile(p)
    print(z.read([n for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]).decode())
else:
    t = tarfile.open(p, 'r:gz')
    m = [n for n in t.getnames() if n.count('/') == 1 and n.endswith('/PKG-INFO')][0]
    print(t.extractfile(m).read().decode())
`;

/** Pure: problems in a wheel's METADATA / sdist's PKG-INFO (version; direct-URL Requires-Dist for a PyPI-style index). */
export function metadataProblems(metadata: string, version: string, pypiIndex: boolean): string[] {
  // Headers end at the first blank line (the long description follows).
  const headers = metadata.replace(/\r\n/g, '\n').split('\n\n')[0]!.split('\n');
  const field = (k: string): string[] =>
    headers.filter((l) => l.startsWith(`${k}: `)).map((l) => l.slice(k.length + 2).trim());
  const out: string[] = [];
  const built = field('Version')[0] ?? '';
  if (!built || !pep440Eq(built, version)) out.push(`built version ${built || '(none)'}, expected ${version}`);
  if (pypiIndex)
    for (const r of field('Requires-Dist')) {
      const p = splitRequirement(r);
      if (p && urlKind(p.spec))
        out.push(`Requires-Dist: ${r} is a direct URL dependency (a PyPI-style index refuses the upload)`);
    }
  return out;
}

/** Pure: problems in a packed package.json: another version, or dependencies a registry install cannot resolve. */
export function npmManifestProblems(pkgJson: string, version: string): string[] {
  const doc = JSON.parse(pkgJson) as Record<string, unknown>;
  const out: string[] = [];
  if (doc.version !== version) out.push(`packed version ${String(doc.version)}, expected ${version}`);
  for (const f of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = doc[f];
    if (!deps || typeof deps !== 'object') continue;
    for (const [n, spec] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof spec !== 'string') continue;
      if (npmSourceKind(spec) || spec.startsWith('workspace:'))
        out.push(`${f}.${n} is "${spec}", not a registry version (npm publish ships it as written)`);
    }
  }
  return out;
}

type Stage = 'prepare' | 'build' | 'check';

class StageError extends Error {
  constructor(
    readonly stage: Stage,
    readonly error: unknown,
  ) {
    super((error as Error).message);
  }
}

async function stage<T>(s: Stage, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new StageError(s, e);
  }
}

/** The scratch copy: `git archive` of the release ref, the new version, version files and pins written in. */
async function prepareScratch(
  input: PreflightInput,
  pkg: ReleasePackage,
  version: string,
  pins: Record<string, string>,
  scratch: string,
  released: ReadonlyMap<string, string>,
  source?: DynamicVersion,
): Promise<string> {
  const src = join(scratch, 'src');
  await mkdir(src);
  const tar = join(scratch, 'src.tar');
  await input.exec('git', ['-C', pkg.repoDir, 'archive', '--format=tar', '-o', tar, input.refOf(pkg)]);
  await input.exec('tar', ['-xf', tar, '-C', src]);
  const file = join(src, manifestFile(pkg));
  const text = await readFile(file, 'utf8');
  // A dynamic version has no manifest key: the tag (vcs) or the version module (file) carries it.
  const bumped = source ? text : bumpedManifest(pkg, text, version, manifestFile(pkg));
  await writeFile(file, pinnedManifest(pkg, bumped, pins, manifestFile(pkg), input.cfg.pin_style).text);
  // As PUBLISH does: `workspace:` specs resolved in the packed copy (with this run's new versions).
  if (pkg.ecosystem === 'npm') {
    const pj = await readFile(file, 'utf8');
    if (pj.includes('"workspace:')) {
      const versions = new Map([...npmWorkspaceVersions(src), ...released]);
      await writeFile(file, resolveWorkspaceManifest(pj, versions, manifestFile(pkg)).text);
    }
  }
  if (source?.kind === 'vcs' && pkg.ecosystem === 'npm') setPackedVersion(join(src, pkg.path), version);
  const versionFiles =
    source?.file && !pkg.versionFiles.includes(source.file) ? [...pkg.versionFiles, source.file] : pkg.versionFiles;
  for (const f of versionFiles) {
    const path = join(src, pkg.path, f);
    const after = setDunderVersion(await readFile(path, 'utf8'), version);
    if (after === null) throw new Error(`${join(pkg.path, f)}: no __version__ = "…" line to update`);
    await writeFile(path, after);
  }
  // Versioned by git tags: build from a commit carrying the release tag, as PUBLISH builds the tag.
  if (source?.kind === 'vcs' && pkg.ecosystem === 'python') {
    const git = (args: string[]) =>
      input.exec('git', ['-C', src, '-c', 'user.name=ferry', '-c', 'user.email=ferry@localhost', ...args]);
    await git(['init', '-q']);
    await git(['add', '-A']);
    await git(['commit', '-q', '--no-verify', '-m', 'ferry preflight']);
    await git(['tag', formatTag(pkg.tag, pkg, version)]);
  }
  return join(src, pkg.path);
}

async function artifactProblems(
  input: PreflightInput,
  pkg: ReleasePackage,
  reg: Registry,
  a: Artifact,
  version: string,
) {
  if (pkg.ecosystem === 'npm') {
    const r = await input.exec('tar', ['-xzOf', a.path, 'package/package.json']);
    return npmManifestProblems(r.stdout, version);
  }
  const r = await input.exec(input.python(pkg.publish as string), ['-c', PRINT_METADATA, a.path]);
  return metadataProblems(r.stdout, version, reg.kind === 'pypi').map((p) => `${a.filename}: ${p}`);
}

async function checkOne(
  input: PreflightInput,
  pkg: ReleasePackage,
  version: string,
  pins: Record<string, string>,
  released: ReadonlyMap<string, string>,
  source?: DynamicVersion,
) {
  const scratch = await mkdtemp(join(tmpdir(), 'ferry-preflight-'));
  try {
    const packageDir = await stage('prepare', () =>
      prepareScratch(input, pkg, version, pins, scratch, released, source),
    );
    const registry = await stage('prepare', () => input.registry(pkg.publish as string));
    const artifacts = await stage('build', () =>
      registry.build({ name: pkg.name, version, packageDir, distDir: join(scratch, 'dist'), log: () => {} }),
    );
    const problems: string[] = [];
    for (const a of artifacts)
      problems.push(...(await stage('check', () => artifactProblems(input, pkg, registry, a, version))));
    if (problems.length) throw failed(pkg, version, problems.join('\n'));
    input.log(
      `preflight: ${pkg.name} ${version} builds and is publishable (${artifacts.map((a) => a.filename).join(', ')})`,
    );
  } catch (e) {
    if (isFerryError(e) && e.code === ErrorCode.PREFLIGHT_FAILED) throw e;
    const s = e instanceof StageError ? e.stage : 'build';
    const msg = e instanceof StageError ? (e.error as Error).message : (e as Error).message;
    const what =
      s === 'prepare'
        ? `setting version ${version} and the same-run pins in a scratch copy failed`
        : s === 'build'
          ? `the build of ${version} failed`
          : `reading what the build of ${version} produced failed`;
    throw failed(pkg, version, what, tail(msg, 12));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function fixFor(pkgs: readonly ReleasePackage[]): string {
  const where = pkgs.map((p) => `${p.name} (${p.path === '.' ? p.repoDir : `${p.repoDir}/${p.path}`})`).join(', ');
  return `fix ${where} and push; nothing was branched, tagged, merged or uploaded. Then: ferry release --dry-run   (--skip-preflight skips this check)`;
}

function failed(pkg: ReleasePackage, version: string, what: string, lastLines = ''): FerryError {
  const text = `preflight: ${pkg.name} ${version}: ${what}${lastLines ? `:\n${lastLines}` : ''}`;
  return new FerryError(ErrorCode.PREFLIGHT_FAILED, text, {
    fix: fixFor([pkg]),
    details: { package: pkg.name, version, reason: what, output: lastLines },
  });
}

/** Pure: the packages preflight builds (planned, published) with their new version and same-run pins. */
export function preflightTargets(
  rows: readonly PlanRow[],
  packages: readonly ReleasePackage[],
): { pkg: ReleasePackage; version: string; pins: Record<string, string>; source?: DynamicVersion }[] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  return rows.flatMap((r) => {
    const pkg = byName.get(r.package);
    if (r.status !== 'PLANNED' || !r.new || !pkg?.publish) return [];
    const pins = sameRunVersions(rows, pkg);
    return [{ pkg, version: r.new!, pins, ...(r.version_source ? { source: r.version_source } : {}) }];
  });
}

/**
 * Build and check every package to publish, `preflight.concurrency` at a time; every package is
 * built even after one fails, so one run names all of them.
 * @throws PREFLIGHT_FAILED (all failures in the message; the first one's fix).
 */
export async function preflight(input: PreflightInput): Promise<void> {
  const targets = preflightTargets(input.rows, input.packages);
  if (!targets.length) return;
  const released = new Map(input.rows.filter((r) => r.status === 'PLANNED' && r.new).map((r) => [r.package, r.new!]));
  const key = input.memo ? await preflightKey(input.memo, targets, input.refOf, input.exec) : null;
  const names = targets.map((t) => `${t.pkg.name} ${t.version}`);
  const before = key && input.memo ? await passedAt(input.memo, key) : null;
  if (before) {
    input.log(`preflight: ${names.join(', ')} passed at ${before} from these same commits and config; not built again`);
    return;
  }
  input.log(`preflight: building ${targets.map((t) => `${t.pkg.name} ${t.version}`).join(', ')} in scratch copies`);
  const results = await mapLimit(targets, input.cfg.preflight.concurrency, async (t) => {
    try {
      await checkOne(input, t.pkg, t.version, t.pins, released, t.source);
      return null;
    } catch (e) {
      return { pkg: t.pkg, error: e };
    }
  });
  const failures = results.filter((r) => r !== null);
  const [first] = failures;
  if (!first) {
    if (key && input.memo) await recordPass(input.memo, key, names);
    return;
  }
  if (failures.length === 1 || !failures.every((f) => isFerryError(f.error))) throw first.error;
  const errors = failures.map((f) => f.error as FerryError);
  throw new FerryError(
    ErrorCode.PREFLIGHT_FAILED,
    `preflight: ${failures.length} of ${targets.length} packages cannot be released: ${failures.map((f) => f.pkg.name).join(', ')}\n${errors.map((e) => e.message).join('\n')}`,
    { fix: fixFor(failures.map((f) => f.pkg)), details: { packages: errors.map((e) => e.details) } },
  );
}
