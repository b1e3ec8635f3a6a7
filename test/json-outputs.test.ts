// Every command that prints JSON has a published schema for it, and the suite's check of --json
// output (test/helpers/json-output.ts, applied by the ferry() helper) is real: it refuses bad lines.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/main.js';
import { COMMAND_JSON_OUTPUTS, MCP_TOOL_OUTPUTS } from '../src/cli/json-outputs.js';
import { TOOLS } from '../src/server/mcp-tools.js';
import { FILE_SCHEMAS } from '../src/schemas.js';
import { checkCliOutput, checkToolResult, commandOf } from './helpers/json-output.js';
import { ferry } from './helpers/ferry.js';

/** Every command path a user can run: leaves, and groups that act on their own (`ferry runs`). */
function commandPaths(cmd: Command, prefix = ''): string[] {
  return cmd.commands.flatMap((sub) => {
    const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
    const acts = (sub as unknown as { _actionHandler: unknown })._actionHandler !== null;
    return [...(sub.commands.length === 0 || acts ? [path] : []), ...commandPaths(sub, path)];
  });
}

describe('published schemas for every JSON output', () => {
  // With the test-only commands (_selftest) registered too: they print JSON the suite checks.
  const before = process.env.FERRY_TEST_COMMANDS;
  process.env.FERRY_TEST_COMMANDS = '1';
  const { program } = buildProgram();
  if (before === undefined) delete process.env.FERRY_TEST_COMMANDS;
  else process.env.FERRY_TEST_COMMANDS = before;
  const paths = commandPaths(program);

  it('every command is in COMMAND_JSON_OUTPUTS (a schema, or why its stdout is not JSON)', () => {
    expect(paths.length).toBeGreaterThan(15);
    expect(paths.filter((p) => !(p in COMMAND_JSON_OUTPUTS))).toEqual([]);
    // …and nothing listed there is a command that no longer exists (promote --hook-step is promote's mode).
    const modes = ['promote --hook-step'];
    expect(Object.keys(COMMAND_JSON_OUTPUTS).filter((k) => !paths.includes(k) && !modes.includes(k))).toEqual([]);
    expect(program.commands.find((c) => c.name() === 'promote')!.options.map((o) => o.long)).toContain('--hook-step');
  });

  it('every schema named there is published in schema/', () => {
    const named = [
      ...Object.values(COMMAND_JSON_OUTPUTS).flatMap((o) =>
        'none' in o ? [] : [...(o.events ? ['event'] : []), ...o.results, ...(o.last ? [o.last] : [])],
      ),
      ...Object.values(MCP_TOOL_OUTPUTS).flat(),
      'error-output',
      'mcp-text',
    ];
    for (const n of named) {
      expect(n in FILE_SCHEMAS, n).toBe(true);
      expect(existsSync(new URL(`../schema/${n}.schema.json`, import.meta.url)), n).toBe(true);
    }
  });

  it('every MCP tool has its structuredContent schemas listed', () => {
    expect(TOOLS.map((t) => `ferry_${t.name}`).sort()).toEqual(Object.keys(MCP_TOOL_OUTPUTS).sort());
  });

  it('finds the command past the global options', () => {
    expect(commandOf(['--state-dir', '/x', '--json', 'runs', 'show', 'r1', '--compact'])).toBe('runs show');
    expect(commandOf(['-c', 'f.yaml', 'runs'])).toBe('runs');
    expect(commandOf(['promote', 'api', '--env', 'p', '--hook-step', 'current'])).toBe('promote --hook-step');
    expect(commandOf(['--json', 'relase'])).toBeNull();
  });
});

describe('the --json check refuses what the schemas do not allow', () => {
  const event = { ts: '2026-01-01T00:00:00Z', run_id: 'r', pipeline: 'release', type: 'log', message: 'x' };
  it('accepts events then a valid result, and the error line', () => {
    const ok = JSON.stringify({ ok: true, path: '/f', tiers: [['a']], warnings: [] });
    expect(checkCliOutput(['--json', 'config', 'check'], ok, 0)).toEqual([]);
    const err = { ok: false, error: { code: 'USAGE', message: 'm', fix: null, retryable: false, details: {} } };
    expect(checkCliOutput(['--json', 'runs', 'show', 'x'], JSON.stringify(err), 2)).toEqual([]);
    expect(
      checkCliOutput(['--json', 'runs', 'events', 'x'], [event, event].map((e) => JSON.stringify(e)).join('\n'), 0),
    ).toEqual([]);
  });
  it('refuses a result missing a field, a line that is not JSON, an unknown line, and no output', () => {
    expect(checkCliOutput(['--json', 'config', 'check'], JSON.stringify({ ok: true, path: '/f' }), 0)).not.toEqual([]);
    expect(checkCliOutput(['--json', 'runs', 'list'], 'No runs yet', 0)).not.toEqual([]);
    expect(checkCliOutput(['--json', 'runs', 'list'], `${JSON.stringify(event)}\n{"runs":[]}`, 0)).not.toEqual([]);
    expect(checkCliOutput(['--json', 'runs', 'list'], '', 0)).not.toEqual([]);
    expect(checkCliOutput(['pins', '--versions', 'a=1', '--dockerfile', 'D'], '{"a":{"from":"1"}}', 0)).not.toEqual([]);
  });
  it('an MCP result: structuredContent by the tool, equal to the text block', () => {
    const runs = { runs: [] };
    const text = (body: unknown) => [{ type: 'text', text: JSON.stringify(body) }];
    const good = {
      content: text({ exit_code: 0, result: runs, failed_steps: [] }),
      structuredContent: runs,
      isError: false,
    };
    expect(checkToolResult('ferry_runs_list', good)).toEqual([]);
    expect(checkToolResult('ferry_runs_list', { ...good, structuredContent: { runs: [], x: 1 } })).not.toEqual([]);
    expect(checkToolResult('ferry_run_show', good)).not.toEqual([]);
  });
});

describe('small commands under --json (each checked against its schema by the ferry() helper)', () => {
  it('explain, one code and every code', async () => {
    const one = await ferry(['--json', 'explain', 'tag_conflict']);
    expect(one.exitCode).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ code: 'TAG_CONFLICT', exit_status: 1 });
    const all = await ferry(['--json', 'explain']);
    expect((JSON.parse(all.stdout) as { codes: unknown[] }).codes.length).toBeGreaterThan(20);
  });
  it('completion: the script as a JSON string under --json, the script itself without', async () => {
    const j = await ferry(['--json', 'completion', 'bash']);
    const plain = await ferry(['completion', 'bash']);
    expect(j.exitCode).toBe(0);
    const out = JSON.parse(j.stdout) as { shell: string; script: string };
    expect([out.shell, out.script.trimEnd()]).toEqual(['bash', plain.stdout]); // execa strips the last newline
  });
  it('a usage error of any command is the error-output line (exit 2)', async () => {
    const r = await ferry(['--json', 'completion', 'tcsh']);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });
});
