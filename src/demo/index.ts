// `ferry demo`: the seeds' 6-package Python ecosystem, built in a temp dir with bare remotes and a
// local PyPI-compatible index, then planned (--dry-run) and released for real by ferry itself.
import { execa } from 'execa';
import { releaseRunId } from '../engine/run-id.js';
import { seedEcosystem } from '../testkit/ecosystem.js';
import { startPypiServer } from '../testkit/pypi-server.js';

export interface DemoOptions {
  keep: boolean;
  /** argv prefix that starts ferry: [node, /path/to/bin/ferry.js]. */
  ferry: string[];
  /** A person at a terminal can answer the gate prompt. */
  interactive: boolean;
  color: boolean;
  /** --json: the ferry runs print NDJSON (events, then their result) and the demo ends with its own result line. */
  json?: boolean;
  print(text: string): void;
  /** The demo's result object (the last stdout line under --json). */
  result?(obj: DemoResult): void;
}

export interface DemoResult {
  skill: 'demo';
  status: 'SUCCESS' | 'FAILED';
  run_id: string | null;
  /** Checked outside ferry: release commits on remote main, tags on them, files on the index. */
  verified: { release_commits: number; tags: number; index_files: number } | null;
  duration_ms: number;
  /** The demo directory when --keep left it behind. */
  kept: string | null;
}

const TOKEN_ENV = 'FERRY_DEMO_PYPI_TOKEN';

export async function runDemo(o: DemoOptions): Promise<number> {
  const started = Date.now();
  o.print("ferry demo: building the seeds' ecosystem (6 Python repos, bare remotes, a local package index)…");
  const [eco, pypi] = await Promise.all([seedEcosystem(), startPypiServer()]);
  try {
    eco.writeConfig((base) => ({
      ...base,
      packages: (base.packages as Record<string, unknown>[]).map((p) => ({ ...p, publish: 'pypi' })),
      registries: { pypi: { kind: 'pypi', url: pypi.uploadUrl, index: pypi.url, token_env: TOKEN_ENV } },
      release: { forge: { kind: 'git' }, lint: ['git', 'diff', '--check'] },
    }));
    o.print(`  workspace: ${eco.workspace}`);
    o.print(`  index:     ${pypi.url}`);
    const [node, ...bin] = o.ferry;
    const env = { [TOKEN_ENV]: pypi.token, ...(o.color ? {} : { NO_COLOR: '1' }) };
    const ferry = (args: string[]) =>
      execa(node!, [...bin, ...(o.json ? ['--json'] : []), ...args], {
        cwd: eco.workspace,
        env,
        stdio: 'inherit',
        reject: false,
      });
    const finish = (code: number, runId: string | null, verified: DemoResult['verified']): number => {
      o.result?.({
        skill: 'demo',
        status: code === 0 ? 'SUCCESS' : 'FAILED',
        run_id: runId,
        verified,
        duration_ms: Date.now() - started,
        kept: o.keep ? eco.root : null,
      });
      return code;
    };

    o.print('\n$ ferry release --dry-run');
    const plan = await ferry(['release', '--dry-run']);
    if (plan.exitCode !== 0) return finish(plan.exitCode ?? 1, null, null);

    let gateArgs: string[] = [];
    const runId = releaseRunId(eco.packages.map((p) => p.name));
    if (o.interactive && !o.json) {
      o.print('\n$ ferry release          (type "approve" at the HIGH_RISK gate to go on)');
    } else {
      // No person to ask: approve the way CI or an agent does, with a pre-issued attestation token.
      const token = `${(Date.now() / 1000).toFixed(6)}:${runId}`;
      gateArgs = ['--gate-attestation', token];
      o.print(`\n$ ferry release --gate-attestation ${token}`);
      o.print(
        '  (no terminal to answer the HIGH_RISK gate: the demo approves with an attestation token, as CI or an agent would)',
      );
    }
    const release = await ferry(['release', ...gateArgs]);
    if (release.exitCode !== 0) return finish(release.exitCode ?? 1, runId, null);

    // Check the outcome from the outside: remote main, tags and the index, not ferry's own word.
    let commits = 0;
    let tags = 0;
    for (const p of eco.packages) {
      const remote = eco.repos[p.repo]!.remote;
      const head = await execa('git', ['--git-dir', remote, 'log', '-1', '--format=%s', 'main']);
      if (head.stdout.startsWith(`release: ${p.repo} v`)) commits++;
      const tagged = await execa('git', ['--git-dir', remote, 'tag', '--points-at', 'main']);
      if (tagged.stdout.split('\n').some((t) => t.startsWith(`${p.name}/v`))) tags++;
    }
    const files = pypi.files().length;
    o.print(
      `\nverified outside ferry: ${commits} release commits on remote main, ${tags} tags, ${files} files on the index`,
    );
    o.print(`\nferry demo: done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (o.keep) {
      o.print(`Kept ${eco.root} (see ${eco.workspace}/.ferry for state, events and results).`);
      o.print(
        `Note: the demo's package index stops with the demo, so its ferry.yaml points at a server that is gone; git remotes and .ferry/ stay inspectable (ferry runs list there).`,
      );
    }
    return finish(0, runId, { release_commits: commits, tags, index_files: files });
  } finally {
    await pypi.stop();
    if (!o.keep) await eco.cleanup();
  }
}
