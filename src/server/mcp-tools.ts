// MCP tools as data: each maps validated input to a ferry argv. The server runs ferry itself with
// --json, so an agent gets exactly what the CLI produces (same engine, same result files).
import { z } from 'zod';

const pkgName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@/-]*$/, 'a package name (no spaces or shell characters)');
const runId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a run id');
const versions = z
  .string()
  .regex(/^[A-Za-z0-9._-]+=[A-Za-z0-9.+!_-]+(,[A-Za-z0-9._-]+=[A-Za-z0-9.+!_-]+)*$/, 'pkg=version[,pkg=version…]');

export interface ToolDef {
  name: string;
  description: string;
  input: z.ZodRawShape;
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

export const TOOLS: ToolDef[] = [
  {
    name: 'runs_list',
    description: 'List ferry runs across pipelines, newest first, with status and duration.',
    input: {},
    argv: () => ['runs', 'list'],
    mutating: false,
  },
  {
    name: 'run_show',
    description: 'Show one run: its status, and every step with status, attempts and error.',
    input: { run_id: runId },
    argv: (i) => ['runs', 'show', String(i.run_id)],
    mutating: false,
  },
  {
    name: 'config_check',
    description: 'Validate ferry.yaml; every problem is reported with file:line and key.',
    input: {},
    argv: () => ['config', 'check'],
    mutating: false,
  },
  {
    name: 'release_plan',
    description:
      'Dry run of a release: per package tier, current → new version, bump and commits, plus plan_hash and the run id a real release would use. Changes nothing. Show it to the human before asking for approval.',
    input: {
      packages: z.array(pkgName).optional(),
      bump: z.enum(['major', 'minor', 'patch']).optional(),
      run_id: runId.optional(),
    },
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
      'Run (or resume) a coordinated release. HIGH_RISK: an agent cannot approve it. First call ferry_release_plan and show the plan to a human; ' +
      "the human approves in the Slack release channel (a reply `approve` in the run's gate thread, or a message `approve <run_id>`), and the token is " +
      "<that message's ts>:<run_id>. With Slack configured ferry looks the message up and refuses anything else; silence is never consent. " +
      'Pass the same packages/bump (or run_id) as the plan so the run id matches the token.',
    input: {
      packages: z.array(pkgName).optional(),
      bump: z.enum(['major', 'minor', 'patch']).optional(),
      gate_attestation: z.string().describe('<slack_ts>:<run_id> of the human approval'),
      run_id: runId.optional().describe('the run id the approval names (default: the one ferry_release_plan reported)'),
      resume: runId.optional(),
      skip_registry_wait: z.boolean().optional(),
      wait_seconds: waitSeconds,
    },
    argv: (i) => [
      'release',
      ...((i.packages as string[] | undefined) ?? []),
      ...opt(i.bump, '--bump'),
      ...opt(i.resume, '--resume'),
      ...(i.resume ? [] : opt(i.run_id, '--run-id')),
      '--gate-attestation',
      String(i.gate_attestation),
      ...flag(i.skip_registry_wait, '--skip-registry-wait'),
    ],
    mutating: true,
  },
  {
    name: 'redeploy',
    description: 'Redeploy the runtime with pinned package versions (SYNC … VERIFY, NOTIFY). Use dry_run first.',
    input: {
      versions: versions.optional(),
      versions_from: runId.optional(),
      dry_run: z.boolean().optional(),
      resume: runId.optional(),
      verify_only: z.boolean().optional(),
      allow_unmatched: z
        .boolean()
        .optional()
        .describe(
          'skip packages the Dockerfile does not pin (e.g. versions_from a release of more packages than the image uses); also with resume after PIN_UNMATCHED',
        ),
      wait_seconds: waitSeconds,
    },
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
    input: { dry_run: z.boolean().optional(), yes: z.boolean().optional(), wait_seconds: waitSeconds },
    argv: (i) => ['deploy', ...flag(i.dry_run, '--dry-run'), ...flag(i.yes, '--yes')],
    mutating: true,
  },
];
