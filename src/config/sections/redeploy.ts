import { z } from 'zod';
import { argvSchema, envNameSchema } from './common.js';
import { dockerRuntimeSchema } from './runtime.js';

const commandRuntimeSchema = z.strictObject({
  kind: z.literal('command'),
  /** Run from the worktree root, e.g. [./scripts/deploy-runtime.sh, --execute, --restart]. */
  command: argvSchema,
});

export const redeploySchema = z.strictObject({
  /** Env file sourced before ENV_CHECK (dotenv syntax; seed: ~/.omnibase/.env). */
  env_file: z.string().optional(),
  /** Variables that must be set before each phase runs (seed: DEPLOY needs POSTGRES_PASSWORD…). */
  required_env: z.record(z.string(), z.array(envNameSchema)).default({}),
  /** Repos fast-forwarded in SYNC (dirs under workspace). Default: every configured package repo plus `repo`. */
  sync: z.strictObject({ repos: z.array(z.string()).optional(), command: argvSchema.optional() }).prefault({}),
  /** The infra repo the runtime is built from (seed: omnibase_infra). */
  repo: z.string(),
  /** Where WORKTREE creates `<ticket>/<repo>`; default .ferry/worktrees. */
  worktree_root: z.string().optional(),
  /** Dockerfile whose pins PIN_UPDATE rewrites, relative to the repo. */
  dockerfile: z.string().default('Dockerfile'),
  /**
   * Range pins (`pkg>=0.8,<2`, `pkg~=0.7`): exact rewrites them to `==new` so the rebuild installs exactly
   * the released version; floor keeps the range with the new version as its lower bound.
   */
  range_pins: z.enum(['exact', 'floor']).default('exact'),
  /** `<image>:<run_id>` tags DEPLOY keeps (older ones are removed; never the running or previous image). */
  keep_images: z.number().int().min(1).default(5),
  /** Replace the built-in pin editor with a script (seed: update-plugin-pins.py). {versions} and {dockerfile} are filled in. */
  pin_command: argvSchema.optional(),
  runtime: z.discriminatedUnion('kind', [dockerRuntimeSchema, commandRuntimeSchema]),
  secrets: z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('infisical'),
        addr_env: envNameSchema.default('INFISICAL_ADDR'),
        client_id_env: envNameSchema.default('INFISICAL_CLIENT_ID'),
        client_secret_env: envNameSchema.default('INFISICAL_CLIENT_SECRET'),
        project_id: z.string().optional(),
        environment: z.string().default('prod'),
        secret_path: z.string().default('/'),
        /** Seed's sync script, e.g. [bash, scripts/sync-omnibase-env.sh]; when its path exists in the worktree it is preferred over the built-in sync. */
        command: argvSchema.optional(),
        /** Key/value pairs to seed: KEY: ENV_NAME (value read from that env var). */
        keys: z.record(z.string(), envNameSchema).default({}),
      }),
    ])
    .optional(),
  verify: z
    .strictObject({
      /** name → URL; empty means each docker service's `health`. */
      health: z.record(z.string(), z.string().url()).default({}),
      /** Container whose installed versions are checked (seed: omninode-runtime). */
      container: z.string().optional(),
      /** Command run in the container; {pkg} is filled in. */
      version_command: argvSchema.default(['uv', 'pip', 'show', '{pkg}']),
      preset: z.enum(['uv', 'pip', 'npm']).optional(),
      retries: z.number().int().nonnegative().default(5),
      timeout_seconds: z.number().positive().default(5),
    })
    .prefault({}),
  /** notify tier (seed FULL_ONEX → Slack via top-level notify.slack, others stdout). A failed notice falls back to stdout. */
  notify: z.enum(['slack', 'stdout']).default('stdout'),
});
export type RedeployConfig = z.infer<typeof redeploySchema>;
