// Seeded generators for the planning benchmarks: real git repos written with one `git fast-import`
// each (tens of thousands of commits in seconds), with the shapes users report as slow:
//   - an npm-workspace monorepo: N packages under packages/*, C conventional commits, release
//     trains that bump package.json and tag `{name}@{version}` (annotated and lightweight mixed);
//   - a polyrepo: R Python repos of C commits each, tags `{name}/v{version}`;
//   - a state dir with N finished runs for `ferry runs list`.
// Generated trees are cached under the OS temp dir by (shape, size, seed, GEN_VERSION): the same
// inputs give byte-identical repos, so a cache hit is the same as a fresh build.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bump when a generator's output changes, so stale caches are not reused. */
const GEN_VERSION = 1;
const CACHE = join(tmpdir(), 'ferry-bench-cache');

/** mulberry32: a small seeded PRNG, so every generated history is reproducible. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['feat', 'fix', 'fix', 'chore', 'docs', 'refactor', 'test', 'perf', 'ci', 'build'];
const WORDS = ['parser', 'cache', 'retry', 'config', 'schema', 'router', 'client', 'logger', 'index', 'render'];

/** A conventional (or not) commit message: mostly typed, some breaking, some with bodies and refs. */
export function commitMessage(rand, scope) {
  const r = rand();
  const word = WORDS[Math.floor(rand() * WORDS.length)];
  if (r < 0.05) return `Merge branch 'topic-${Math.floor(rand() * 1000)}'\n`;
  if (r < 0.08) return `update ${word}\n`;
  const type = TYPES[Math.floor(rand() * TYPES.length)];
  const bang = rand() < 0.01 ? '!' : '';
  const sc = rand() < 0.7 ? `(${scope})` : '';
  let msg = `${type}${sc}${bang}: ${rand() < 0.5 ? 'handle' : 'add'} ${word} ${Math.floor(rand() * 1e4)}\n`;
  if (rand() < 0.3)
    msg += `\nWhy: the ${word} needed it.\n\nRefs #${Math.floor(rand() * 5000)}, closes #${Math.floor(rand() * 5000)}\n`;
  if (rand() < 0.01) msg += `\nBREAKING CHANGE: ${word} options renamed\n`;
  if (rand() < 0.005) msg += `\nBREAKING-CHANGE: ${word} removed\n`;
  return msg;
}

function data(text) {
  return `data ${Buffer.byteLength(text)}\n${text}\n`;
}

/** Pipes `chunks()` (an iterator of strings) into `git fast-import` in `dir` (a fresh repo). */
async function fastImport(dir, chunks) {
  execFileSync('git', ['init', '--quiet', '--initial-branch=main', dir]);
  const p = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise((res, rej) => p.on('close', (c) => (c === 0 ? res() : rej(new Error(`fast-import ${c}`)))));
  let buf = '';
  for (const s of chunks) {
    buf += s;
    if (buf.length > 1 << 20) {
      if (!p.stdin.write(buf)) await new Promise((r) => p.stdin.once('drain', r));
      buf = '';
    }
  }
  p.stdin.end(buf + 'done\n');
  await done;
  // A checkout, as a user has: the drift guard reads manifests from the working tree.
  execFileSync('git', ['-C', dir, 'checkout', '--quiet', '-f', 'main']);
  execFileSync('git', ['-C', dir, 'update-ref', 'refs/remotes/origin/main', 'main']);
}

const who = (t) => `Bench <bench@example.invalid> ${t} +0000`;
const T0 = 1_700_000_000;

function packageJson(name, version, deps) {
  const body = { name, version, main: 'index.js', license: 'MIT' };
  if (deps.length) body.dependencies = Object.fromEntries(deps.map((d) => [d, '*']));
  return JSON.stringify(body, null, 2) + '\n';
}

function bumpVersion(v, kind) {
  const [a, b, c] = v.split('.').map(Number);
  return kind === 'minor' ? `${a}.${b + 1}.0` : `${a}.${b}.${c + 1}`;
}

/** The history of an npm-workspace monorepo, as fast-import commands; fills `meta` as it goes. */
function* monorepoStream(n, commits, seed, meta) {
  const rand = rng(seed);
  const names = Array.from({ length: n }, (_, i) => `pkg-${String(i).padStart(4, '0')}`);
  // Deps only on lower-numbered packages, a few each: a realistic, acyclic tier graph.
  const deps = names.map((_, i) =>
    i === 0
      ? []
      : [...new Set(Array.from({ length: Math.floor(rand() * 3) }, () => names[Math.floor(rand() * i * 0.5)]))],
  );
  const version = names.map(() => '0.1.0');
  const lastTag = names.map((nm) => `${nm}@0.1.0`);
  const lastTagCommit = names.map(() => 1);
  const touched = new Set();
  let mark = 0;
  let t = T0;
  const trainEvery = Math.max(50, Math.floor(commits / 20));
  // Initial commit: root workspace manifest + every package.
  mark++;
  let s = `commit refs/heads/main\nmark :${mark}\ncommitter ${who(t)}\n${data('chore: initial import\n')}`;
  s += `M 100644 inline package.json\n${data(JSON.stringify({ name: 'bench-mono', private: true, workspaces: ['packages/*'] }, null, 2) + '\n')}`;
  names.forEach((nm, i) => {
    s += `M 100644 inline packages/${nm}/package.json\n${data(packageJson(nm, version[i], deps[i]))}`;
    s += `M 100644 inline packages/${nm}/index.js\n${data(`module.exports = ${JSON.stringify(nm)};\n`)}`;
  });
  yield s + '\n';
  for (const nm of names) yield `reset refs/tags/${nm}@0.1.0\nfrom :1\n\n`;
  let train = 0;
  for (let k = 1; k < commits; k++) {
    t += 60;
    mark++;
    if (k % trainEvery === 0 && k < commits * 0.95) {
      // Release train: about half of the packages changed since their last release are released.
      train++;
      const released = [...touched].filter(() => rand() < 0.5).sort((a, b) => a - b);
      let c = `commit refs/heads/main\nmark :${mark}\ncommitter ${who(t)}\n${data('chore(release): publish\n')}`;
      for (const i of released) {
        version[i] = bumpVersion(version[i], rand() < 0.3 ? 'minor' : 'patch');
        c += `M 100644 inline packages/${names[i]}/package.json\n${data(packageJson(names[i], version[i], deps[i]))}`;
      }
      yield c + '\n';
      for (const i of released) {
        touched.delete(i);
        const tag = `${names[i]}@${version[i]}`;
        lastTag[i] = tag;
        lastTagCommit[i] = mark;
        yield train % 2
          ? `tag ${tag}\nfrom :${mark}\ntagger ${who(t)}\n${data(`release ${tag}\n`)}`
          : `reset refs/tags/${tag}\nfrom :${mark}\n\n`;
      }
      continue;
    }
    // Most commits touch one package; some touch two or three, a few only the root.
    const r = rand();
    const count = r < 0.04 ? 0 : r < 0.9 ? 1 : r < 0.97 ? 2 : 3;
    const pkgs = [...new Set(Array.from({ length: count }, () => Math.floor(rand() * n)))];
    let c = `commit refs/heads/main\nmark :${mark}\ncommitter ${who(t)}\n${data(commitMessage(rand, pkgs.length === 1 ? names[pkgs[0]] : 'repo'))}`;
    if (!pkgs.length) c += `M 100644 inline README.md\n${data(`# bench ${k}\n`)}`;
    for (const i of pkgs) {
      touched.add(i);
      c += `M 100644 inline packages/${names[i]}/src/f${Math.floor(rand() * 8)}.js\n${data(`// ${k}\n`)}`;
    }
    yield c + '\n';
  }
  Object.assign(meta, { names, deps, lastTag, oldestTag: lastTag[lastTagCommit.indexOf(Math.min(...lastTagCommit))] });
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
