// The CLI frame: version, help, unknown names, lazy loading of heavy modules.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FERRY_BIN, ferry, jsonLines } from '../helpers/ferry.js';

const DIST = join(dirname(FERRY_BIN), '..', 'dist');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** Every module the entry chunk loads before any command runs (static imports, transitively). */
function staticImportClosure(entry: string): { files: string[]; bare: Set<string> } {
  // Start from the entry and follow only static imports.
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Static `import … from "x"` and side-effect `import "x"`; dynamic import() is deliberately excluded.
    for (const m of text.matchAll(/^\s*import\s+(?:[^'"()]*?\s+from\s+)?["']([^"']+)["'];?/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  };
  visit(entry);
  return { files: [...seen], bare };
}

describe('cli', () => {
  it('--version prints the package version', async () => {
    const r = await ferry(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help lists commands and exit codes', async () => {
    const r = await ferry(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Commands:');
    expect(r.stdout).toContain('runs');
    expect(r.stdout).toContain('Exit codes');
    expect(r.stdout).not.toContain('_selftest');
  });

  it('release --help teaches: examples for the gate, resume and attestation, and the exit codes', async () => {
    const r = await ferry(['release', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('asks for approval (type approve), then releases tier by tier');
    expect(r.stdout).toContain('after a failure or a kill: continue where it stopped');
    expect(r.stdout).toContain('(GATE_UNAVAILABLE)');
    expect(r.stdout).toMatch(/Exit codes: 0 released, dry run or nothing to release; 1 failed or partial/);
  });

  it('an unknown command exits 2 and suggests the nearest one', async () => {
    const r = await ferry(['rusn']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'rusn'");
    expect(r.stderr).toContain('did you mean runs?');
  });

  it('a misspelt release (ferry relase) exits 2 and suggests release', async () => {
    const r = await ferry(['relase']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("error[USAGE]: unknown command 'relase'; did you mean release?\n  fix: ferry release --help");
    expect(r.stdout).toBe('');
  });

  it('with --json, a usage error is the { ok: false, error } line on stdout', async () => {
    const r = await ferry(['--json', 'relase']);
    expect(r.exitCode).toBe(2);
    const lines = jsonLines(r.stdout);
    expect(lines).toEqual([
      {
        ok: false,
        error: {
          code: 'USAGE',
          message: "unknown command 'relase'; did you mean release?",
          fix: 'ferry release --help',
          retryable: false,
          details: {},
        },
      },
    ]);
    const flag = await ferry(['release', '--json', '--dryrun']);
    expect(flag.exitCode).toBe(2);
    expect((jsonLines(flag.stdout)[0]!.error as { message: string }).message).toBe(
      "unknown option '--dryrun'; did you mean --dry-run?",
    );
  });

  it('an empty --state-dir is a usage error, not a silent default', async () => {
    const r = await ferry(['--state-dir', '', 'runs', 'list']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--state-dir (or FERRY_STATE_DIR) is empty');
  });

  it('an unknown flag exits 2 and names it', async () => {
    const r = await ferry(['runs', 'list', '--bogus']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });

  it('start-up loads no docker, octokit or slack code', () => {
    const { bare, files } = staticImportClosure(join(DIST, 'cli.js'));
    // The scan must see what start-up really loads, or the check below proves nothing.
    expect([...bare]).toContain('commander');
    expect(files.length).toBeGreaterThan(1);
    for (const heavy of ['dockerode', '@octokit', '@slack', 'hono', '@modelcontextprotocol', 'listr2']) {
      expect([...bare], `${heavy} is imported at start-up`).not.toContain(heavy);
    }
  });
});
