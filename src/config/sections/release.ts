import { z } from 'zod';
import { argvSchema, envNameSchema } from './common.js';

const forgeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('git'),
    remote: z.string().default('origin'),
  }),
  z.strictObject({
    kind: z.literal('github'),
    owner: z.string(),
    remote: z.string().default('origin'),
    /** GitHub REST base URL (tests point this at a local server). */
    api_url: z.string().url().default('https://api.github.com'),
    token_env: envNameSchema.default('GITHUB_TOKEN'),
    merge_method: z.enum(['squash', 'merge', 'rebase']).default('squash'),
    checks_timeout_minutes: z.number().positive().default(30),
    /** How often to re-read required checks while waiting. */
    checks_poll_seconds: z.number().positive().default(10),
    /** Minimum spacing of write calls; unset = octokit's defaults (1 s, 3 s for PR create/merge). */
    write_interval_ms: z.number().int().nonnegative().optional(),
    /** PUBLISH mode workflow: how long to wait for the dispatched run to finish. */
    workflow_timeout_minutes: z.number().positive().default(30),
  }),
]);

/**
 * A `{placeholder}` template: only the placeholders ferry fills are allowed (an unknown one would
 * be left in tags and branch names literally), and `required` ones must be there.
 */
function template(allowed: readonly string[], required: readonly string[] = []) {
  const list = allowed.map((a) => `{${a}}`).join(', ');
  return z.string().superRefine((t, ctx) => {
    for (const [, k] of t.matchAll(/\{(\w*)\}/g)) {
      if (!allowed.includes(k!))
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${k}} in ${JSON.stringify(t)} (expected ${list})`,
        });
    }
    for (const r of required) {
      if (!t.includes(`{${r}}`))
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(t)} needs {${r}} (placeholders: ${list})` });
    }
  });
}

/** A tag template: `{version}` once, plus any of `{name}` `{repo}` `{dir}` (basename of the package's directory). */
export const tagTemplateSchema = template(['name', 'version', 'repo', 'dir'], ['version']).refine(
  (t) => t.split('{version}').length === 2,
  { message: 'a tag template holds {version} exactly once' },
);

export const releaseSchema = z.strictObject({
  /** Default tag template of every package (packages[].tag overrides it). */
  tag: tagTemplateSchema.default('{name}/v{version}'),
  /** Annotated tags (`git tag -a`, message `release <tag>`); false for lightweight tags. */
  tag_annotated: z.boolean().default(true),
  branch: template(['run_id', 'repo']).default('release/{run_id}/{repo}'),
  commit_message: template(['repo', 'name', 'version']).default('release: {repo} v{version}'),
  main_branch: z.string().default('main'),
  forge: forgeSchema.default({ kind: 'git', remote: 'origin' }),
  /** Lint command run in each worktree; omit to skip LINT. */
  lint: argvSchema.optional(),
  lock: z.strictObject({ python: argvSchema.optional(), npm: argvSchema.optional() }).default({}),
  /** Build command for Python distributions (must not download: --no-isolation). */
  build: z
    .strictObject({ python: argvSchema.default(['python3', '-m', 'build', '--no-isolation', '--outdir', '{dist}']) })
    .prefault({}),
  changelog: z.string().default('CHANGELOG.md'),
  /** Conventional-commit types beyond feat/fix that cause a release, and at which level. */
  bump_types: z.record(z.string(), z.enum(['major', 'minor', 'patch', 'none'])).default({}),
  publish: z
    .strictObject({ mode: z.enum(['direct', 'workflow']).default('direct'), workflow: z.string().optional() })
    .prefault({}),
  gate: z
    .strictObject({
      channels: z.array(z.enum(['tty', 'slack', 'dashboard'])).default(['tty']),
      timeout_minutes: z.number().positive().default(60),
      /** Slack user ids allowed to approve; empty = anyone in the channel. */
      approvers: z.array(z.string()).default([]),
    })
    .prefault({}),
  registry_wait: z
    .strictObject({ timeout_minutes: z.number().positive().default(10), skip: z.boolean().default(false) })
    .prefault({}),
});
export type ReleaseConfig = z.infer<typeof releaseSchema>;
