// Every --json line a test captures, checked against the published schema/ files by the command that
// printed it (src/cli/json-outputs.ts): the ferry() helper throws on a mismatch and ferrySpawn()'s
// runs are checked after each test (test/setup-json-outputs.ts). MCP tool results go through
// checkToolResult (test/helpers/mcp.ts). So "every --json output in the suite validates" is enforced.
import { isDeepStrictEqual } from 'node:util';
import { COMMAND_JSON_OUTPUTS, MCP_TOOL_OUTPUTS, type JsonOutput } from '../../src/cli/json-outputs.js';
import type { SchemaName } from '../../src/schemas.js';
import { RESULT_OF_SKILL, validateAgainst } from './schema.js';

/** Global options that take a value (the command comes after them). */
const VALUE_OPTIONS = new Set(['-c', '--config', '--state-dir']);
const NO_OUTPUT_CONTRACT = new Set(['-h', '--help', '-V', '--version']);

/** The COMMAND_JSON_OUTPUTS key of an argv (`runs show`, `promote --hook-step`); null for no known command. */
export function commandOf(args: readonly string[]): string | null {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) i += VALUE_OPTIONS.has(args[i]!) ? 2 : 1;
  const cmd = args[i];
  if (cmd === undefined) return null;
  const sub = args[i + 1];
  if (sub !== undefined && `${cmd} ${sub}` in COMMAND_JSON_OUTPUTS) return `${cmd} ${sub}`;
  if (cmd === 'promote' && args.includes('--hook-step')) return 'promote --hook-step';
  return cmd in COMMAND_JSON_OUTPUTS ? cmd : null;
}

const isEvent = (v: Record<string, unknown>): boolean =>
  typeof v.ts === 'string' && typeof v.type === 'string' && typeof v.run_id === 'string' && !('skill' in v);

/**
 * Problems with a CLI run's stdout (empty when it is what the published schemas say).
 * `finished`: the process exited by itself with 0, 1 or 2 (a killed run may stop anywhere, and
 * its last line need not be the result).
 */
export function checkCliOutput(args: readonly string[], stdout: string, exitCode: number): string[] {
  const json = args.slice(0, args.includes('--') ? args.indexOf('--') : undefined).includes('--json');
  if (args.some((a) => NO_OUTPUT_CONTRACT.has(a))) return [];
  const name = commandOf(args);
  const spec: JsonOutput | { none: string } | undefined = name === null ? undefined : COMMAND_JSON_OUTPUTS[name];
  if (spec && 'none' in spec) return [];
  if (!json && !(spec?.always && exitCode === 0)) return [];
  const finished = exitCode === 0 || exitCode === 1 || exitCode === 2;
  const lines = stdout.split('\n').filter((l) => l.trim());
  const problems: string[] = [];
  const where = `ferry ${args.join(' ')}`;
  if (finished && lines.length === 0 && (spec?.last || exitCode !== 0) && json)
    problems.push(`${where}: no stdout line under --json (exit ${exitCode})`);
  lines.forEach((text, i) => {
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(text) as Record<string, unknown>;
    } catch {
      problems.push(`${where}: stdout line ${i + 1} is not JSON: ${text.slice(0, 120)}`);
      return;
    }
    const last = i === lines.length - 1;
    let schema: SchemaName | null;
    if (v?.ok === false) schema = 'error-output';
    else if (!spec) schema = null;
    else if (last && finished && spec.last) schema = spec.last;
    else if (spec.events && isEvent(v)) schema = 'event';
    else if (typeof v?.skill === 'string' && spec.results.includes(RESULT_OF_SKILL[v.skill]!))
      schema = RESULT_OF_SKILL[v.skill]!;
    else if (last && spec.last) schema = spec.last;
    else schema = null;
    if (schema === null) {
      problems.push(
        `${where}: stdout line ${i + 1} is no output ${name ?? '(unknown command)'} publishes: ${text.slice(0, 120)}`,
      );
      return;
    }
    if (schema === 'error-output' && !last && finished)
      problems.push(`${where}: an error-output line that is not the last line`);
    for (const p of validateAgainst(schema, v))
      problems.push(`${where}: line ${i + 1} vs schema/${schema}.schema.json: ${p}`);
  });
  return problems;
}

/** An MCP tool result: the text block (mcp-text) and structuredContent (the tool's schemas), consistent. */
export function checkToolResult(
  tool: string,
  r: { content?: unknown; structuredContent?: unknown; isError?: unknown },
): string[] {
  const problems: string[] = [];
  const at = (p: string) => `${tool}: ${p}`;
  const text = (r.content as { type?: string; text?: string }[] | undefined)?.find((c) => c.type === 'text')?.text;
  if (text === undefined) return [at('no text block')];
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A call the SDK itself refused (input validation) carries a plain message, not ferry's output.
    return r.isError === true && r.structuredContent === undefined
      ? []
      : [at(`text block is not JSON: ${text.slice(0, 120)}`)];
  }
  problems.push(...validateAgainst('mcp-text', body).map((p) => at(`text vs schema/mcp-text.schema.json: ${p}`)));
  const s = r.structuredContent as Record<string, unknown> | undefined;
  if (s === undefined) {
    if (r.isError !== true) problems.push(at('a successful call without structuredContent'));
    else
      problems.push(
        ...validateAgainst('error-output', body.result).map((p) => at(`refused result vs error-output: ${p}`)),
      );
    return problems;
  }
  const names = MCP_TOOL_OUTPUTS[tool];
  if (!names) return [...problems, at('no published schema for this tool (src/cli/json-outputs.ts MCP_TOOL_OUTPUTS)')];
  const errs = names.map((n) => validateAgainst(n, s));
  if (!errs.some((e) => e.length === 0))
    problems.push(
      at(`structuredContent matches none of ${names.join(', ')}: ${errs.map((e) => e.join('; ')).join(' | ')}`),
    );
  // The text block carries the same object (old clients read it there): the result, or the pending object.
  const { exit_code: _exit, ...pending } = body;
  if (!isDeepStrictEqual('result' in body ? body.result : pending, s))
    problems.push(at('structuredContent differs from the text block'));
  return problems;
}
