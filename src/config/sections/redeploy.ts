import { z } from 'zod';
import { argvSchema, envNameSchema } from './common.js';
import { dockerRuntimeSchema } from './runtime.js';

const commandRuntimeSchema = z.strictObject({
  kind: z.literal('command'),
  command: argvSchema.describe('Run from the worktree root, e.g. [./scripts/deploy-runtime.sh, --execute, --restart].'),
});

export const redeploySchema = z.strictObject({
  env_file: z
    .string()
    .optional()
    .describe('Env file sourced before ENV_CHECK (dotenv syntax; seed: ~/.omnibase/.env).'),
  required_env: z
    .record(z.string(), z.array(envNameSchema))
    .default({})
    .describe('Variables that must be set before each phase runs (seed: DEPLOY needs POSTGRES_PASSWORD\u2026).'),
  sync: z
    .strictObject({
      repos: z.array(z.string()).optional().describe('Repos to fast-forward (directories under workspace).'),
      command: argvSchema.optional().describe('A sync command of your own instead of the built-in fast-forward.'),
    })
    .prefault({})
    .describe(
      'Repos fast-forwarded in SYNC (dirs under workspace). Default: every configured package repo plus `repo`.',
    ),
  repo: z.string().describe('The infra repo the runtime is built from (seed: omnibase_infra).'),
  worktree_root: z.string().optional().describe('Where WORKTREE creates `<ticket>/<repo>`; default .ferry/worktrees.'),
  dockerfile: z
    .string()
    .default('Dockerfile')
    .describe('Dockerfile whose pins PIN_UPDATE rewrites, relative to the repo.'),
  range_pins: z
    .enum(['exact', 'floor'])
    .default('exact')
    .describe(
      'Range pins (`pkg>=0.8,<2`, `pkg~=0.7`): exact rewrites them to `==new` so the rebuild installs exactly the released version; floor keeps the range with the new version as its lower bound.',
    ),
  keep_images: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('`<image>:<run_id>` tags DEPLOY keeps (older ones are removed; never the running or previous image).'),
  pin_command: argvSchema
    .optional()
    .describe(
      'Replace the built-in pin editor with a script (seed: update-plugin-pins.py). {versions} and {dockerfile} are filled in.',
    ),
  runtime: z
    .discriminatedUnion('kind', [dockerRuntimeSchema, commandRuntimeSchema])
    .describe('How DEPLOY builds and restarts the runtime: through the Docker Engine API, or a command of your own.'),
  secrets: z
    .discriminatedUnion('kind', [
      z.strictObject({
        kind: z.literal('infisical'),
        addr_env: envNameSchema
          .default('INFISICAL_ADDR')
          .describe('Environment variable holding the Infisical address.'),
        client_id_env: envNameSchema
          .default('INFISICAL_CLIENT_ID')
          .describe("Environment variable holding the machine identity's client id."),
        client_secret_env: envNameSchema
          .default('INFISICAL_CLIENT_SECRET')
          .describe("Environment variable holding the machine identity's client secret."),
        project_id: z.string().optional().describe('Infisical project id (workspace) the secrets live in.'),
        environment: z.string().default('prod').describe('Infisical environment slug.'),
        secret_path: z.string().default('/').describe('Folder of the secrets in the project.'),
        command: argvSchema
          .optional()
          .describe(
            "Seed's sync script, e.g. [bash, scripts/sync-omnibase-env.sh]; when its path exists in the worktree it is preferred over the built-in sync.",
          ),
        keys: z
          .record(z.string(), envNameSchema)
          .default({})
          .describe('Key/value pairs to seed: KEY: ENV_NAME (value read from that env var).'),
      }),
    ])
    .optional()
    .describe('Secrets store the SECRETS phase seeds (Infisical); omit to skip SECRETS.'),
  verify: z
    .strictObject({
      health: z
        .record(z.string(), z.string().url())
        .default({})
        .describe("name \u2192 URL; empty means each docker service's `health`."),
      container: z
        .string()
        .optional()
        .describe('Container whose installed versions are checked (seed: omninode-runtime).'),
      version_command: argvSchema
        .default(['uv', 'pip', 'show', '{pkg}'])
        .describe('Command run in the container; {pkg} is filled in.'),
      preset: z
        .enum(['uv', 'pip', 'npm'])
        .optional()
        .describe("A preset `version_command` for the container's package manager."),
      retries: z
        .number()
        .int()
        .nonnegative()
        .default(5)
        .describe('How many times health and version checks are retried.'),
      timeout_seconds: z.number().positive().default(5).describe('Time limit of one health check request.'),
    })
    .prefault({})
    .describe('What VERIFY checks after DEPLOY: health URLs and installed versions.'),
  notify: z
    .enum(['slack', 'stdout'])
    .default('stdout')
    .describe(
      'notify tier (seed FULL_ONEX \u2192 Slack via top-level notify.slack, others stdout). A failed notice falls back to stdout.',
    ),
});
export type RedeployConfig = z.infer<typeof redeploySchema>;
