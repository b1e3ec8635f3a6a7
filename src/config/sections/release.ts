import { z } from 'zod';
import { argvSchema, envNameSchema } from './common.js';

const forgeSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('git'),
    remote: z.string().default('origin').describe('The git remote branches and tags are pushed to.'),
  }),
  z.strictObject({
    kind: z.literal('github'),
    owner: z.string().describe('GitHub user or organisation that owns the repos.'),
    remote: z.string().default('origin').describe('The git remote branches and tags are pushed to.'),
    api_url: z
      .string()
      .url()
      .default('https://api.github.com')
      .describe('GitHub REST base URL (tests point this at a local server).'),
    token_env: envNameSchema.default('GITHUB_TOKEN').describe('Environment variable holding the GitHub token.'),
    merge_method: z.enum(['squash', 'merge', 'rebase']).default('squash').describe('How release PRs are merged.'),
    checks_timeout_minutes: z
      .number()
      .positive()
      .default(30)
      .describe("How long to wait for a release PR's required checks."),
    checks_poll_seconds: z
      .number()
      .positive()
      .default(10)
      .describe('How often to re-read required checks while waiting.'),
    write_interval_ms: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("Minimum spacing of write calls; unset = octokit's defaults (1 s, 3 s for PR create/merge)."),
    workflow_timeout_minutes: z
      .number()
      .positive()
      .default(30)
      .describe('PUBLISH mode workflow: how long to wait for the dispatched run to finish.'),
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
  tag: tagTemplateSchema
    .default('{name}/v{version}')
    .describe(
      'Default tag template of every package (packages[].tag overrides it); placeholders {name}, {version}, {repo}, {dir}; {version} exactly once.',
    ),
  tag_annotated: z
    .boolean()
    .default(true)
    .describe('Annotated tags (`git tag -a`, message `release <tag>`); false for lightweight tags.'),
  branch: template(['run_id', 'repo'])
    .default('release/{run_id}/{repo}')
    .describe('Release branch template; placeholders {run_id}, {repo}.'),
  commit_message: template(['repo', 'name', 'version'])
    .default('release: {repo} v{version}')
    .describe('Release commit message template; placeholders {repo}, {name}, {version}.'),
  main_branch: z.string().default('main').describe('The branch releases start from and merge into.'),
  forge: forgeSchema
    .default({ kind: 'git', remote: 'origin' })
    .describe('Where release branches go: plain git (push and fast-forward) or GitHub (PR, checks, merge).'),
  lint: argvSchema.optional().describe('Lint command run in each worktree; omit to skip LINT.'),
  lock: z
    .strictObject({
      python: argvSchema.optional().describe('Lock command for Python packages, e.g. [uv, lock].'),
      npm: argvSchema.optional().describe('Lock command for npm packages, e.g. [npm, install, --package-lock-only].'),
    })
    .default({})
    .describe('Lock-file command per ecosystem, run after the version bump; omit to skip LOCK.'),
  build: z
    .strictObject({
      python: argvSchema
        .default(['python3', '-m', 'build', '--no-isolation', '--outdir', '{dist}'])
        .describe('Build command run in the package directory; `{dist}` is the output directory.'),
    })
    .prefault({})
    .describe('Build command for Python distributions (must not download: --no-isolation).'),
  changelog: z
    .string()
    .default('CHANGELOG.md')
    .describe('Changelog file in each package, updated from the conventional commits.'),
  bump_types: z
    .record(z.string(), z.enum(['major', 'minor', 'patch', 'none']))
    .default({})
    .describe('Conventional-commit types beyond feat/fix that cause a release, and at which level.'),
  groups: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'expected a group name: letters, digits and . _ -' })
          .describe('Group name (the {name} of its tag).'),
        packages: z.array(z.string()).min(2).describe('Configured package names in the group (two or more).'),
        mode: z
          .enum(['lockstep', 'linked'])
          .default('lockstep')
          .describe(
            'lockstep (changesets `fixed`, release-please `linked-versions`): every member releases whenever one does, all at one version (the highest current version, bumped by the highest bump among them). linked (changesets `linked`): only members with changes release, at one version.',
          ),
        tag: tagTemplateSchema
          .optional()
          .describe(
            'One tag for the whole group (lockstep, members in one repo), e.g. `v{version}`; {name} is the group name. Omitted: each member keeps its own tag.',
          ),
      }),
    )
    .default([])
    .describe(
      'Packages that share versions: lockstep groups (one version, one release commit, optionally one tag) or linked ones.',
    ),
  ignore: z
    .array(z.string())
    .default([])
    .describe(
      'Packages never released (changesets `ignore`): they stay in the tier graph, their changesets are left in place, and a cascade passes them by.',
    ),
  intents: z
    .enum(['auto', 'conventional', 'changesets'])
    .default('auto')
    .describe(
      'Where bumps come from: conventional commits, `.changeset/*.md` files (changesets: "pkg": major|minor|patch + summary; consumed by the release commit), or auto = both (the higher bump wins).',
    ),
  default_bump: z
    .enum(['patch', 'minor', 'none'])
    .default('none')
    .describe(
      'Bump of commits that are not conventional commits (no `type:` header); none = they release nothing without --bump.',
    ),
  publish: z
    .strictObject({
      mode: z
        .enum(['direct', 'workflow'])
        .default('direct')
        .describe(
          '`direct`: ferry uploads; `workflow`: ferry dispatches a CI workflow that uploads, and waits for it.',
        ),
      workflow: z.string().optional().describe('The workflow file to dispatch in `workflow` mode, e.g. publish.yml.'),
    })
    .prefault({})
    .describe('How packages are published: directly by ferry, or by dispatching a CI workflow.'),
  gate: z
    .strictObject({
      channels: z
        .array(z.enum(['tty', 'slack', 'dashboard']))
        .default(['tty'])
        .describe('Where approval may come from, first usable wins: terminal prompt, Slack reply, dashboard button.'),
      timeout_minutes: z
        .number()
        .positive()
        .default(60)
        .describe('How long the gate waits; silence is a rejection (GATE_TIMEOUT).'),
      approvers: z
        .array(z.string())
        .default([])
        .describe('Slack user ids allowed to approve; empty = anyone in the channel.'),
    })
    .prefault({})
    .describe('The HIGH_RISK approval gate every release passes before changing anything.'),
  bump_minor_pre_major: z
    .boolean()
    .default(false)
    .describe(
      "Pre-1.0 policy (release-please's name): a breaking change under 1.0.0 bumps the minor. Off: the seed's rule (0.3.0 + breaking → 1.0.0).",
    ),
  bump_patch_for_minor_pre_major: z
    .boolean()
    .default(false)
    .describe("Pre-1.0 policy (release-please's name): a feature under 1.0.0 bumps the patch."),
  cascade: z
    .enum(['patch', 'out-of-range', 'none'])
    .default('patch')
    .describe(
      'Dependent cascade: a package with no change of its own whose same-run dependency is released gets a patch release with a "Dependencies" changelog entry; out-of-range only when the new version leaves the range it declares (changesets\' default); none turns it off.',
    ),
  pin_style: z
    .strictObject({
      python: z
        .enum(['exact', 'preserve'])
        .default('exact')
        .describe('Python pins: exact ==X.Y.Z (the seed) or preserve.'),
      npm: z
        .enum(['exact', 'preserve'])
        .default('preserve')
        .describe('npm pins: preserve the range operator, or exact.'),
    })
    .prefault({})
    .describe(
      'How same-run dependency declarations are rewritten per ecosystem: exact (==1.2.4 / 1.2.4) or preserve (^1.2.3 → ^1.2.4). Git, path and URL declarations always become the version; workspace: is never rewritten.',
    ),
  preflight: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Run the preflight build before the gate.'),
      concurrency: z.number().int().positive().default(2).describe('Packages built at once by the preflight.'),
    })
    .prefault({})
    .describe(
      'Build every package to release in a scratch copy with its new version and pins before the gate (--skip-preflight skips it).',
    ),
  registry_wait: z
    .strictObject({
      timeout_minutes: z
        .number()
        .positive()
        .default(10)
        .describe('How long to wait for each published version to be served.'),
      skip: z
        .boolean()
        .default(false)
        .describe('Do not wait (the next tier may then fail to resolve the new version).'),
    })
    .prefault({})
    .describe('Waiting until the registry serves a published version before the next tier starts.'),
});
export type ReleaseConfig = z.infer<typeof releaseSchema>;
