// MCP tools as data: each maps validated input to a ferry argv. The server runs ferry itself with
// --json, so an agent gets exactly what the CLI produces (same engine, same result files): the
// tool's structuredContent is the CLI's --json result, validated against its outputSchema.
import { z } from 'zod';
import { releaseResultSchema } from '../release/result.js';
import { configCheckSchema, runsListSchema, runsShowSchema } from '../schemas.js';

const pkgName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@/-]*$/, 'a package name (no spaces or shell characters)');
const runId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a run id');
const versions = z
  .string()
  .regex(/^[A-Za-z0-9._-]+=[A-Za-z0-9.+!_-]+(,[A-Za-z0-9._-]+=[A-Za-z0-9.+!_-]+)*$/, 'pkg=version[,pkg=version…]');

export interface ToolDef {
  name: string;
  description: string;
  input: z.ZodRawShape;
  /** What structuredContent holds on success (the CLI's --json result; pending runs for mutating tools). */
  output: z.ZodObject;
  argv(input: Record<string, unknown>): string[];
  /** Changes things: agents should show the user what will happen first. */
  mutating: boolean;
}

const flag = (on: unknown, name: string): string[] => (on ? [name] : []);
// Mutating tools run detached; the call returns `running` after this long (the run goes on).
const waitSeconds = z
  .number()
  .int()
  .min(0)
  .max(3600)
  .optional()
  .describe(
    'seconds to wait for the run to finish (default 45, under the usual 60 s client timeout); if still going, the call returns status "running" with its run_id: follow it with ferry_run_show',
  );
const opt = (v: unknown, name: string): string[] =>
  v === undefined || v === null || v === '' ? [] : [name, String(v)];

/** Every tool takes these: one server can work on several workspaces (each checked against --allow). */
export const WORKSPACE_INPUT = {
  dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'workspace directory to run in (ferry.yaml is found from there); must be inside a directory the server was started with --allow (default: the server’s working directory)',
    ),
  config: z
    .string()
    .min(1)
    .optional()
    .describe('path of the ferry.yaml to use (absolute, or relative to dir); must be inside an allowed directory'),
};

const packages = z
  .array(pkgName)
  .optional()
  .describe('packages (or repos) to release; omit for every configured package with unreleased commits');
const bump = z
  .enum(['major', 'minor', 'patch'])
  .optional()
  .describe('force this bump for every package instead of inferring it from conventional commits');

/** A mutating tool's structuredContent: the run's result, or (while it goes on) schema/mcp-pending.schema.json. */
const runOrPending = (what: string) =>
  z
    .looseObject({
      status: z.string().describe(`the ${what} result's status, or running / waiting_for_approval while it goes on`),
      run_id: z.string().nullable().describe('the run to follow with ferry_run_show'),
    })
    .describe(
      `the ${what} result (schema/${what}-result.schema.json) once the run finished, else schema/mcp-pending.schema.json`,
    );

export const TOOLS: ToolDef[] = [
  {
    name: 'runs_list',
    description: 'List ferry runs across pipelines, newest first, with status and duration.',
    input: {},
    output: runsListSchema,
    argv: () => ['runs', 'list'],
    mutating: false,
  },
  {
    name: 'run_show',
    description:
      'Follow one run. By default a compact view: status (waiting_for_approval while a release waits at its gate, with approve_url), per-package old → new version and phase, failed steps with code and fix, and the resume command. full=true adds the whole state file.',
    input: {
      run_id: runId.describe('the run id, as returned by ferry_release / ferry_release_plan / ferry_runs_list'),
      full: z.boolean().optional().describe('also return the full state file (large); default false'),
    },
    output: runsShowSchema,
    argv: (i) => ['runs', 'show', String(i.run_id), ...(i.full ? [] : ['--compact'])],
    mutating: false,
  },
  {
    name: 'config_check',
    description: 'Validate ferry.yaml; every problem is reported with file:line and key.',
    input: {},
    output: configCheckSchema,
    argv: () => ['config', 'check'],
    mutating: false,
  },
  {
    name: 'release_plan',
    description:
      'Dry run of a release: per package tier, current → new version, bump and commits, plus plan_hash and the run id a real release would use. Changes nothing. Show it to the human before calling ferry_release.',
    input: {
      packages,
      bump,
      run_id: runId.optional().describe('plan under this run id (default: derived from the packages and date)'),
    },
    output: releaseResultSchema,
    argv: (i) => [
      'release',
      ...((i.packages as string[] | undefined) ?? []),
      ...opt(i.bump, '--bump'),
      ...opt(i.run_id, '--run-id'),
      '--dry-run',
    ],
    mutating: false,
  },
  {
    name: 'release',
    description:
      'Start (or resume) a coordinated release. HIGH_RISK: an agent cannot approve it. Call ferry_release_plan first and show the plan to the human. ' +
      'Without gate_attestation (the normal way) the run starts and waits for a person to approve it on the dashboard (or in Slack / at a terminal, when configured): ' +
      'the call returns {status: "waiting_for_approval", run_id, approve_url}; give the human approve_url, then follow with ferry_run_show until the status is completed (or failed: then its resume command). ' +
      'gate_attestation is only for an approval a person already gave in Slack (<that message ts>:<run_id>): with Slack configured ferry looks it up and refuses anything else; without Slack ferry cannot verify it and refuses it from an agent.',
    input: {
      packages,
      bump,
      gate_attestation: z
        .string()
        .optional()
        .describe(
          '<slack_ts>:<run_id> of a person’s approval in the Slack release channel; omit it to have a person approve on the dashboard',
        ),
      run_id: runId.optional().describe('the run id ferry_release_plan reported (so the approved plan is this run)'),
      resume: runId.optional().describe('continue this stopped or failed run where it stopped'),
      skip_registry_wait: z
        .boolean()
        .optional()
        .describe('do not wait for the registry to serve each published version'),
      wait_seconds: waitSeconds,
    },
    output: runOrPending('release'),
    argv: (i) => [
      'release',
      '--agent',
      ...((i.packages as string[] | undefined) ?? []),
      ...opt(i.bump, '--bump'),
      ...opt(i.resume, '--resume'),
      ...(i.resume ? [] : opt(i.run_id, '--run-id')),
      ...opt(i.gate_attestation, '--gate-attestation'),
      ...flag(i.skip_registry_wait, '--skip-registry-wait'),
    ],
    mutating: true,
  },
  {
    name: 'redeploy',
    description: 'Redeploy the runtime with pinned package versions (SYNC … VERIFY, NOTIFY). Use dry_run first.',
    input: {
      versions: versions.optional().describe('pins to apply: pkg=version[,pkg=version…]'),
      versions_from: runId.optional().describe('take the versions a completed release run published'),
      dry_run: z.boolean().optional().describe('show the phases and pins; change nothing'),
      resume: runId.optional().describe('continue this stopped or failed redeploy run'),
      verify_only: z.boolean().optional().describe('only run the VERIFY phase against what is deployed'),
      allow_unmatched: z
        .boolean()
        .optional()
        .describe(
          'skip packages the Dockerfile does not pin (e.g. versions_from a release of more packages than the image uses); also with resume after PIN_UNMATCHED',
        ),
      wait_seconds: waitSeconds,
    },
    output: runOrPending('redeploy'),
    argv: (i) => [
      'redeploy',
      ...opt(i.versions, '--versions'),
      ...opt(i.versions_from, '--versions-from'),
      ...opt(i.resume, '--resume'),
      ...flag(i.dry_run, '--dry-run'),
      ...flag(i.verify_only, '--verify-only'),
      ...flag(i.allow_unmatched, '--allow-unmatched'),
    ],
    mutating: true,
  },
  {
    name: 'deploy',
    description: 'Change-aware deploy: analyse changes, decide, and run safe actions; rebuild/restart need yes=true.',
    input: {
      dry_run: z.boolean().optional().describe('analyse and decide; change nothing'),
      yes: z.boolean().optional().describe('allow the rebuilds and restarts the analysis decided on'),
      wait_seconds: waitSeconds,
    },
    output: runOrPending('deploy'),
    argv: (i) => ['deploy', ...flag(i.dry_run, '--dry-run'), ...flag(i.yes, '--yes')],
    mutating: true,
  },
];

/** Sent to clients at initialize: the normal flow, so an agent does not have to guess it. */
export const INSTRUCTIONS = `ferry releases interdependent packages in dependency order and deploys them; every run is durable and resumable.
Normal flow: ferry_config_check → ferry_release_plan (show the plan table and plan_hash to the human) → ferry_release without gate_attestation: it returns {status: "waiting_for_approval", run_id, approve_url}; ask the human to approve at approve_url (ferry dashboard) → follow with ferry_run_show {run_id} until status is completed. If a run ends failed or partial, ferry_run_show gives failed_steps (code, message, fix) and resume; fix the cause, then call the same tool with resume: <run_id>.
You cannot approve a release yourself: an invented gate_attestation is refused. Results are in structuredContent (the same object as the CLI's --json output); a refused call is isError with the CLI's error object as text. Tools take dir/config to work on another allowed workspace.`;
