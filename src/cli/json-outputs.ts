// What each command prints on stdout under --json, by command path, with the schema/ file of each line.
// Tests validate every --json output they capture against this (test/helpers/json-output.ts), and a
// test walks the CLI's commands and fails when one is missing here — so a new command cannot print
// JSON nobody published a schema for. docs/json-outputs.md lists it as the "Commands" table.
import type { SchemaName } from '../schemas.js';

export interface JsonOutput {
  /** Lines before the result may be the run's events (schema/event.schema.json). */
  events: boolean;
  /** Results of other pipelines it drives, printed before its own (by their `skill`). */
  results: SchemaName[];
  /** The last line; null when every line is an event (`runs events`). A failure is always error-output. */
  last: SchemaName | null;
  /** Prints the same JSON lines without --json too (a script reads them). */
  always?: boolean;
}

/** A command whose stdout is not ferry JSON even under --json, and why. */
export interface NoJsonOutput {
  none: string;
}

const result = (last: SchemaName, events = true): JsonOutput => ({ events, results: [], last });
const line = (last: SchemaName): JsonOutput => ({ events: false, results: [], last });

/** Keyed by command path (`runs show`); `promote --hook-step` is promote's host-side mode. */
export const COMMAND_JSON_OUTPUTS: Record<string, JsonOutput | NoJsonOutput> = {
  init: line('init-result'),
  'config check': line('config-check'),
  release: result('release-result'),
  redeploy: result('redeploy-result'),
  pins: { ...line('pins'), always: true },
  deploy: result('deploy-result'),
  stage: result('stage-result'),
  promote: result('promote-result'),
  'promote --hook-step': { ...line('hook-step'), always: true },
  'self-deploy': result('self-deploy-result'),
  finalize: result('finalize-result'),
  runs: line('runs-list'),
  'runs list': line('runs-list'),
  'runs show': line('runs-show'),
  'runs events': { events: true, results: [], last: null, always: true },
  dashboard: line('dashboard'),
  mcp: { none: 'JSON-RPC on stdio (the Model Context Protocol); tool results: the MCP tools table' },
  explain: line('explain'),
  completion: line('completion'),
  __complete: { none: 'completion candidates for the shell, one per line (hidden; called by the completion script)' },
  demo: {
    events: true,
    results: ['release-result', 'redeploy-result', 'stage-result', 'promote-result'],
    last: 'demo-result',
  },
  _selftest: result('selftest-result'),
};

/** Each MCP tool's structuredContent (a refused call has none: its text block's result is error-output). */
export const MCP_TOOL_OUTPUTS: Record<string, SchemaName[]> = {
  ferry_runs_list: ['runs-list'],
  ferry_run_show: ['runs-show'],
  ferry_config_check: ['config-check'],
  ferry_release_plan: ['release-result'],
  ferry_release: ['release-result', 'mcp-pending'],
  ferry_redeploy: ['redeploy-result', 'mcp-pending'],
  ferry_deploy: ['deploy-result', 'mcp-pending'],
};
