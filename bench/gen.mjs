// Seeded generators for the planning benchmarks: real git repos written with one `git fast-import`
// each (tens of thousands of commits in seconds), with the shapes users report as slow (the
// monorepo history is test/fixtures/shapes/history.mjs, the generator the tests use too):
//   - an npm-workspace monorepo: N packages under packages/*, C conventional commits, release
//     trains that bump package.json and tag `{name}@{version}` (annotated and lightweight mixed);
//   - a polyrepo: R Python repos of C commits each, tags `{name}/v{version}`;
//   - a state dir with N finished runs for `ferry runs list`.
// Generated trees are cached under the OS temp dir by (shape, size, seed, GEN_VERSION): the same
// inputs give byte-identical repos, so a cache hit is the same as a fresh build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bumpVersion,
  commitMessage,
  data,
  fastImport as importHistory,
  monorepoStream,
  rng,
  T0,
  who,
} from '../test/fixtures/shapes/history.mjs';

/** Bump when a generator's output changes, so stale caches are not reused. */
const GEN_VERSION = 1;
const CACHE = join(tmpdir(), 'ferry-bench-cache');

/** Like the shared fastImport, plus the remote-tracking ref a clone has (the release is cut from it). */
async function fastImport(dir, chunks) {
  await importHistory(dir, chunks);
  execFileSync('git', ['-C', dir, 'update-ref', 'refs/remotes/origin/main', 'main']);
}

function configYaml(packages, tag) {
  const lines = ['version: 1', 'workspace: .', 'packages:'];
  for (const p of packages)
    lines.push(`  - { name: ${p.name}, repo: ${p.repo}, path: ${p.path}, ecosystem: ${p.ecosystem}, publish: false }`);
  lines.push('release:', `  tag: "${tag}"`, '  forge: { kind: git, remote: origin }', '');
  return lines.join('\n');
}

/** Cached build: `make(dir)` fills a fresh dir and returns meta (JSON), stored beside it. */
async function cached(key, make) {
  const dir = join(CACHE, `${key}-g${GEN_VERSION}`);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) return { dir, meta: JSON.parse(readFileSync(metaFile, 'utf8')) };
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const meta = await make(tmp);
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(meta));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { dir, meta };
}

/**
 * An npm-workspace monorepo `<ws>/mono` with `packages` × `commits`, and `<ws>/ferry.yaml`.
 * meta: { workspace, repos: [{ dir, oldestTag }] } — the floor is one log from the oldest last tag.
 */
export async function monorepo(packages, commits, seed = 1) {
  const { dir, meta } = await cached(`mono-${packages}x${commits}-s${seed}`, async (ws) => {
    const m = {};
    await fastImport(join(ws, 'mono'), monorepoStream(packages, commits, seed, m));
    const pk = m.names.map((name) => ({ name, repo: 'mono', path: `packages/${name}`, ecosystem: 'npm' }));
    writeFileSync(join(ws, 'ferry.yaml'), configYaml(pk, '{name}@{version}'));
    return { repos: [{ dir: 'mono', oldestTag: m.oldestTag }] };
  });
  return { workspace: dir, repos: meta.repos.map((r) => ({ ...r, dir: join(dir, r.dir) })) };
}

function pyproject(name, version, deps) {
  const d = deps.length ? `[\n${deps.map((x) => `    "${x}>=0.1",`).join('\n')}\n]` : '[]';
  return `[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${name}"\nversion = "${version}"\nrequires-python = ">=3.8"\ndependencies = ${d}\n`;
}

/** One Python repo: releases (a version bump commit + tag `{name}/v{version}`) every ~50 commits. */
function* polyStream(name, deps, commits, rand, meta) {
  let version = '0.1.0';
  let mark = 1;
  let t = T0;
  yield `commit refs/heads/main\nmark :1\ncommitter ${who(t)}\n${data('chore: initial import\n')}M 100644 inline pyproject.toml\n${data(pyproject(name, version, deps))}M 100644 inline src/${name}/__init__.py\n${data('')}\nreset refs/tags/${name}/v${version}\nfrom :1\n\n`;
  meta.lastTag = `${name}/v${version}`;
  for (let k = 1; k < commits; k++) {
    t += 60;
    mark++;
    if (k % 50 === 0 && rand() < 0.6) {
      version = bumpVersion(version, rand() < 0.3 ? 'minor' : 'patch');
      yield `commit refs/heads/main\nmark :${mark}\ncommitter ${who(t)}\n${data(`release: ${name} v${version}\n`)}M 100644 inline pyproject.toml\n${data(pyproject(name, version, deps))}\ntag ${name}/v${version}\nfrom :${mark}\ntagger ${who(t)}\n${data(`release ${name}/v${version}\n`)}`;
      meta.lastTag = `${name}/v${version}`;
      continue;
    }
    yield `commit refs/heads/main\nmark :${mark}\ncommitter ${who(t)}\n${data(commitMessage(rand, name))}M 100644 inline src/${name}/m${Math.floor(rand() * 8)}.py\n${data(`# ${k}\n`)}\n`;
  }
}

/** `repos` Python repos of `commits` commits each under one workspace, with `<ws>/ferry.yaml`. */
export async function polyrepo(repos, commits, seed = 1) {
  const { dir, meta } = await cached(`poly-${repos}x${commits}-s${seed}`, async (ws) => {
    const rand = rng(seed);
    const names = Array.from({ length: repos }, (_, i) => `lib_${String(i).padStart(3, '0')}`);
    const out = [];
    for (let i = 0; i < repos; i++) {
      const deps = i === 0 ? [] : [names[Math.floor(rand() * i * 0.5)]];
      const m = {};
      await fastImport(join(ws, names[i]), polyStream(names[i], deps, commits, rand, m));
      out.push({ dir: names[i], oldestTag: m.lastTag });
    }
    const pk = names.map((name) => ({ name, repo: name, path: '.', ecosystem: 'python' }));
    writeFileSync(join(ws, 'ferry.yaml'), configYaml(pk, '{name}/v{version}'));
    return { repos: out };
  });
  return { workspace: dir, repos: meta.repos.map((r) => ({ ...r, dir: join(dir, r.dir) })) };
}

/** A state dir with `n` finished release/redeploy runs (state + events), as the engine writes them. */
export async function runsHome(n, seed = 1) {
  const { dir } = await cached(`runs-${n}-s${seed}`, async (home) => {
    const rand = rng(seed);
    for (let i = 0; i < n; i++) {
      const pipeline = i % 3 ? 'release' : 'redeploy';
      const runId = `${pipeline}-20260101-${i.toString(16).padStart(6, '0')}`;
      const started = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000);
      const steps = {};
      const order = [];
      for (let s = 0; s < 20 + Math.floor(rand() * 40); s++) {
        const id = `pkg_${s}/STEP_${s % 7}`;
        order.push(id);
        steps[id] = { status: 'completed', attempts: 1, ts: started.toISOString(), detail: null, error: null };
      }
      const state = {
        run_id: runId,
        pipeline,
        status: 'completed',
        started_at: started.toISOString(),
        updated_at: new Date(started.getTime() + 90_000).toISOString(),
        finished_at: new Date(started.getTime() + 90_000).toISOString(),
        step_order: order,
        steps,
        data: { repos: Object.fromEntries(order.map((id) => [id, { phase: 'DONE', phase_history: [] }])) },
      };
      const sub = i % 2 ? join(home, 'state', pipeline, 'archive') : join(home, 'state', pipeline);
      mkdirSync(sub, { recursive: true });
      writeFileSync(join(sub, `${runId}.json`), JSON.stringify(state, null, 2) + '\n');
    }
    return {};
  });
  return dir;
}
