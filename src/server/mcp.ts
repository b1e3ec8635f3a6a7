// `ferry mcp`: a Model Context Protocol server on stdio. Each tool runs ferry --json as a child
// process and returns its result object (the last JSON line) plus a short event digest.
//
// Mutating tools (release, redeploy, deploy) can outlast an MCP client's request timeout (60 s by
// default in the SDK), so they run detached, writing their NDJSON to a file: the call waits up to
// `wait_seconds`, reports each event as a progress notification (when the client asked for them),
// and if the run is still going returns `running` with its run id instead of failing. The run is
// never killed because a client gave up or the server exited: ferry runs are resumable, but a
// release should not be interrupted by an agent's timeout.
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { lineLimiter, MCP_MAX_REQUEST_BYTES, tooLargeReply } from './mcp-limit.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ErrorCode, FerryError, serializeError } from '../errors.js';
import { INSTRUCTIONS, TOOLS, WORKSPACE_INPUT, type ToolDef } from './mcp-tools.js';
import type { McpPending } from './mcp-schemas.js';

export interface McpOptions {
  /** argv prefix that starts ferry: [node, /path/to/bin/ferry.js]. */
  ferry: string[];
  cwd: string;
  globalArgs: string[];
  version: string;
  /** Directories a call's dir/config may name (default: cwd). */
  allow?: string[];
  /** Base URL of the dashboard people approve on, when no running dashboard says where it is. */
  dashboardUrl?: string;
}

/** Where one call runs: its working directory and the global args that pick the workspace. */
interface Workspace {
  cwd: string;
  globalArgs: string[];
}

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};
const inside = (dir: string, root: string): boolean => {
  const r = relative(root, dir);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
};

/**
 * The call's dir/config, checked against the allow-list. A call that names neither runs where the
 * server was started, with its --config / --state-dir.
 * @throws USAGE when dir or config is outside every allowed directory.
 */
export function workspaceFor(o: McpOptions, input: Record<string, unknown>): Workspace {
  const dir = typeof input.dir === 'string' ? input.dir : undefined;
  const config = typeof input.config === 'string' ? input.config : undefined;
  if (dir === undefined && config === undefined) return { cwd: o.cwd, globalArgs: o.globalArgs };
  const allow = (o.allow?.length ? o.allow : [o.cwd]).map(real);
  const cwd = real(resolve(o.cwd, dir ?? '.'));
  const cfg = config === undefined ? undefined : real(resolve(cwd, config));
  for (const p of [cwd, ...(cfg ? [cfg] : [])]) {
    if (!allow.some((root) => inside(p, root)))
      throw new FerryError(ErrorCode.USAGE, `${p} is outside the directories this MCP server may use`, {
        fix: `ferry mcp ${allow.map((a) => `--allow ${a}`).join(' ')} --allow ${p}   # start the server allowing it`,
        details: { path: p, allowed: allow },
      });
  }
  return { cwd, globalArgs: cfg ? ['--config', cfg] : [] };
}

/** Default wait for a mutating tool: below the SDK client's 60 s request timeout. */
export const DEFAULT_WAIT_SECONDS = 45;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type ToolResult = {
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError: boolean;
};

function parseLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

function finished(exitCode: number | undefined, stdout: string, stderr: string): ToolResult {
  const parsed = parseLines(stdout);
  // No JSON at all (ferry could not start): still the error-output shape, as INTERNAL with its stderr.
  const result = parsed.at(-1) ?? { ok: false, error: serializeError(new Error(stderr.trim() || 'no output')) };
  const failures = parsed.filter((e) => e.type === 'step.failed').map((e) => `${String(e.step)}: ${String(e.message)}`);
  const text = JSON.stringify({ exit_code: exitCode ?? null, result, failed_steps: failures }, null, 2);
  // structuredContent is the CLI's --json result itself; a refused call (the error line) stays text only.
  const structured = parsed.length > 0 && result.ok !== false && result.type === undefined;
  return {
    content: [{ type: 'text', text }],
    ...(structured ? { structuredContent: result } : {}),
    isError: exitCode !== 0,
  };
}

const usageError = (e: unknown): ToolResult => {
  const error = serializeError(e);
  const text = JSON.stringify({ exit_code: 2, result: { ok: false, error }, failed_steps: [] }, null, 2);
  return { content: [{ type: 'text', text }], isError: true };
};

const eventLine = (e: Record<string, unknown>): string =>
  [e.type, e.step, e.message ?? e.status]
    .filter((x) => typeof x === 'string' && x)
    .join(' ')
    .split('\n')[0] ?? '';

async function runQuick(o: McpOptions, ws: Workspace, argv: string[]): Promise<ToolResult> {
  const [cmd, ...pre] = o.ferry;
  const r = await execa(cmd!, [...pre, ...argv], { cwd: ws.cwd, reject: false, env: { CI: 'true' }, stdin: 'ignore' });
  return finished(r.exitCode, String(r.stdout), String(r.stderr));
}

/** A release waiting at its gate: a gate.requested on a human channel with no decision after it. */
function waitingAtGate(events: Record<string, unknown>[]): boolean {
  const last = events.filter((e) => typeof e.type === 'string' && e.type.startsWith('gate.')).at(-1);
  const channels = (last?.data as { channels?: unknown } | undefined)?.channels;
  return last?.type === 'gate.requested' && Array.isArray(channels) && !channels.includes('attestation');
}

/** The approval page: what the run itself reports (a running dashboard), else the configured or default URL. */
async function approveUrl(o: McpOptions, ws: Workspace, runId: string): Promise<string> {
  const [cmd, ...pre] = o.ferry;
  const r = await execa(cmd!, [...pre, ...ws.globalArgs, '--json', 'runs', 'show', runId, '--compact'], {
    cwd: ws.cwd,
    reject: false,
    env: { CI: 'true' },
    stdin: 'ignore',
  });
  const shown = parseLines(String(r.stdout)).at(-1) as
    { view?: { gate?: { approve_url?: string | null } } } | undefined;
  return (
    shown?.view?.gate?.approve_url ?? `${(o.dashboardUrl ?? 'http://127.0.0.1:4700').replace(/\/$/, '')}/gates/${runId}`
  );
}

/** A mutating tool: detached, output to a file, bounded wait, progress per event. */
async function runLong(
  o: McpOptions,
  ws: Workspace,
  tool: ToolDef,
  argv: string[],
  waitSeconds: number,
  extra: Extra,
): Promise<ToolResult> {
  const [cmd, ...pre] = o.ferry;
  const dir = await mkdtemp(join(tmpdir(), 'ferry-mcp-'));
  const out = join(dir, 'stdout.jsonl');
  const err = join(dir, 'stderr.log');
  // Plain file descriptors (node's spawn: execa's { file } pipes through this process and its types
  // take no fd): the run must keep writing after this server is gone.
  const [fo, fe] = await Promise.all([open(out, 'w'), open(err, 'w')]);
  const child = spawn(cmd!, [...pre, ...argv], {
    cwd: ws.cwd,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', fo.fd, fe.fd],
    // Its own process group, not killed with this server: a client timeout must not interrupt a release.
    detached: true,
  });
  await Promise.all([fo.close(), fe.close()]);
  let exitCode: number | undefined;
  let spawnError = '';
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (e) => {
      spawnError = e.message;
      exitCode = 127;
      done = true;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : 1);
      done = true;
      resolve();
    });
  });
  const progressToken = extra._meta?.progressToken;
  let sent = 0;
  const report = async (): Promise<Record<string, unknown>[]> => {
    const events = parseLines(await readFile(out, 'utf8').catch(() => ''));
    if (progressToken !== undefined) {
      for (; sent < events.length; sent++) {
        const e = events[sent] as Record<string, unknown>;
        if (e.type === undefined) continue; // the result object, not an event
        await extra
          .sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: sent + 1, message: eventLine(e) },
          })
          .catch(() => undefined);
      }
    }
    return events;
  };
  const started = Date.now();
  const deadline = started + waitSeconds * 1000;
  let gated = false;
  while (!done && Date.now() < deadline && !extra.signal.aborted && !gated) {
    await Promise.race([exited, new Promise((r) => setTimeout(r, 500))]);
    gated = waitingAtGate(await report());
  }
  if (done) {
    const stdout = await readFile(out, 'utf8').catch(() => '');
    const stderr = `${await readFile(err, 'utf8').catch(() => '')}${spawnError}`;
    await rm(dir, { recursive: true, force: true });
    return finished(exitCode, stdout, stderr);
  }
  // Still going: hand back what is known; the agent follows it with ferry_run_show.
  // The output file stays: its last line is the run's result object once it finishes.
  child.unref();
  const events = await report();
  const runId = events.map((e) => e.run_id).find((x): x is string => typeof x === 'string') ?? null;
  const waiting = gated && runId !== null;
  const url = waiting ? await approveUrl(o, ws, runId) : null;
  const pending: McpPending = {
    status: waiting ? 'waiting_for_approval' : 'running',
    run_id: runId,
    approve_url: url,
    pid: child.pid ?? null,
    waited_seconds: Math.round((Date.now() - started) / 1000),
    recent_events: events.slice(-8).map(eventLine),
    next: waiting
      ? `a person must approve run ${runId} at ${url} (ferry dashboard; or in Slack / at a terminal when configured): give them this link, then call ferry_run_show with run_id "${runId}" until its status is completed`
      : runId
        ? `the ${tool.name} continues in the background; call ferry_run_show with run_id "${runId}" until its status is no longer in_progress`
        : `the ${tool.name} continues in the background (pid ${child.pid ?? '?'}); call ferry_runs_list to find it`,
    output_file: out,
  };
  return {
    content: [{ type: 'text', text: JSON.stringify({ exit_code: null, ...pending }, null, 2) }],
    structuredContent: pending,
    isError: false,
  };
}

export function createMcpServer(o: McpOptions): McpServer {
  const server = new McpServer({ name: 'ferry', version: o.version }, { instructions: INSTRUCTIONS });
  for (const tool of TOOLS) {
    server.registerTool(
      `ferry_${tool.name}`,
      {
        description: tool.description,
        inputSchema: { ...tool.input, ...WORKSPACE_INPUT },
        outputSchema: tool.output,
        annotations: { readOnlyHint: !tool.mutating, destructiveHint: tool.mutating },
      },
      async (input: Record<string, unknown>, extra: Extra) => {
        let ws: Workspace;
        try {
          ws = workspaceFor(o, input);
        } catch (e) {
          return usageError(e);
        }
        const argv = [...ws.globalArgs, '--json', ...tool.argv(input)];
        if (!tool.mutating) return runQuick(o, ws, argv);
        const wait = typeof input.wait_seconds === 'number' ? input.wait_seconds : DEFAULT_WAIT_SECONDS;
        return runLong(o, ws, tool, argv, wait, extra);
      },
    );
  }
  return server;
}

export async function runMcpServer(o: McpOptions): Promise<void> {
  // stdin through a line limiter: a 10 MB request is refused as it streams in, and the next one is served.
  const stdin = process.stdin.pipe(
    lineLimiter(MCP_MAX_REQUEST_BYTES, () => process.stdout.write(tooLargeReply(MCP_MAX_REQUEST_BYTES))),
  );
  await createMcpServer(o).connect(new StdioServerTransport(stdin, process.stdout));
}
