// MCP tools as data: each maps validated input to a ferry argv. The server runs ferry itself with
// --json, so an agent gets exactly what the CLI produces (same engine, same result files).
import { z } from 'zod';

const pkgName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@/-]*$/, 'a package name (no spaces or shell characters)');
const runId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a run id');
const versions = z.string().regex(/^[A-Za-z0-9._-]+=[A-Za-z0-9.+!_-]+(,[A-Za-z0-9._-]+=[A-Za-z0-9.+!_-]+)*$/, 'pkg=version[,pkg=version…]');

export interface ToolDef {
  name: string;
  description: string;
  input: z.ZodRawShape;
  argv(input: Record<string, unknown>): string[];
  /** Changes things: agents should show the user what will happen first. */
  mutating: boolean;
}

const flag = (on: unknown, name: string): string[] => (on ? [name] : []);
const opt = (v: unknown, name: string): string[] => (v === undefined || v === null || v === '' ? [] : [name, String(v)]);

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
    description: 'Dry run of a release: the plan table (tier, current → new, bump, commits), plan_hash and run id. Changes nothing.',
    input: { packages: z.array(pkgName).optional(), bump: z.enum(['major', 'minor', 'patch']).optional() },
    argv: (i) => ['release', ...((i.packages as string[] | undefined) ?? []), ...opt(i.bump, '--bump'), '--dry-run'],
    mutating: false,
  },
  {
    name: 'release',
    description:
      'Run (or resume) a coordinated release. HIGH_RISK: requires a gate attestation token <ts>:<run_id> issued by a human approval; ferry never treats silence as consent.',
    input: {
      packages: z.array(pkgName).optional(),
      bump: z.enum(['major', 'minor', 'patch']).optional(),
      gate_attestation: z.string().describe('<slack_ts>:<run_id> from the human approval'),
      resume: runId.optional(),
      skip_registry_wait: z.boolean().optional(),
    },
    argv: (i) => [
      'release',
      ...((i.packages as string[] | undefined) ?? []),
      ...opt(i.bump, '--bump'),
      ...opt(i.resume, '--resume'),
      '--gate-attestation',
      String(i.gate_attestation),
      ...flag(i.skip_registry_wait, '--skip-registry-wait'),
    ],
    mutating: true,
  },
  {
    name: 'redeploy',
    description: 'Redeploy the runtime with pinned package versions (SYNC … VERIFY, NOTIFY). Use dry_run first.',
    input: { versions: versions.optional(), versions_from: runId.optional(), dry_run: z.boolean().optional(), resume: runId.optional(), verify_only: z.boolean().optional() },
    argv: (i) => ['redeploy', ...opt(i.versions, '--versions'), ...opt(i.versions_from, '--versions-from'), ...opt(i.resume, '--resume'), ...flag(i.dry_run, '--dry-run'), ...flag(i.verify_only, '--verify-only')],
    mutating: true,
  },
  {
    name: 'deploy',
    description: 'Change-aware deploy: analyse changes, decide, and run safe actions; rebuild/restart need yes=true.',
    input: { dry_run: z.boolean().optional(), yes: z.boolean().optional() },
    argv: (i) => ['deploy', ...flag(i.dry_run, '--dry-run'), ...flag(i.yes, '--yes')],
    mutating: true,
  },
];
