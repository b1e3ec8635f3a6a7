// PUBLISH mode `workflow`: the registry upload is done by the repo's release workflow (the seed's
// release.yml). ferry dispatches it on the tag through the forge (or, with no workflow named,
// relies on the tag push triggering it), records the run URL, then waits for the registry.

import { ErrorCode, FerryError } from '../../errors.js';
import type { StepOutcome } from '../../engine/types.js';
import type { Registry } from '../../adapters/registry/types.js';
import { repoOf, resumeCommand, unitOf, type Ctx, type ReleaseDeps } from './deps.js';

export function workflowIntent(deps: ReleaseDeps, tag: string): string {
  const wf = deps.cfg.publish.workflow;
  return wf
    ? `forge ${deps.cfg.forge.kind}: dispatch workflow ${wf} on ${tag} and wait for its run`
    : `rely on the push of ${tag} to trigger the release workflow`;
}

export async function publishViaWorkflow(
  ctx: Ctx,
  pkg: string,
  tag: string,
  deps: ReleaseDeps,
  registry: Registry,
): Promise<StepOutcome> {
  const r = repoOf(ctx, pkg);
  const u = unitOf(ctx, r.unit);
  const workflow = deps.cfg.publish.workflow;
  let runUrl: string | null = (ctx.checkpoint as { workflow_run_url?: string } | undefined)?.workflow_run_url ?? null;
  // Already on the registry (a resumed run, or the tag push already triggered it): no new dispatch.
  const published = (await registry.lookup(r.package, r.new_version)).exists;
  if (!published && workflow && !runUrl) {
    const forge = await deps.forge(ctx.exec);
    if (!forge.runWorkflow) {
      throw new FerryError(
        ErrorCode.CONFIG_INVALID,
        `release.publish.mode workflow dispatches through the GitHub API; forge kind ${forge.kind} cannot`,
        {
          fix: 'set release.forge.kind: github, or drop release.publish.workflow to rely on the tag push',
        },
      );
    }
    // No inputs: the workflow runs on the tag, which names the version (undeclared inputs are a 422).
    const run = await forge.runWorkflow({ repo: u.repo, workflow, ref: tag }, (m) => ctx.log.info(m));
    runUrl = run.runUrl;
    await ctx.saveCheckpoint({ workflow_run_url: runUrl });
  }
  r.pypi_status = 'pending';
  if (!ctx.data.options.skip_registry_wait) {
    const timeoutMs = ctx.data.options.registry_timeout_minutes * 60_000;
    await registry.waitVisible(r.package, r.new_version, timeoutMs, (m) => ctx.log.info(m), ctx.signal, {
      fix: `${resumeCommand(ctx.runId)}   # or add --skip-registry-wait`,
    });
    r.pypi_status = 'available';
  }
  return {
    output: {
      publish: published ? 'skipped' : 'workflow',
      workflow_run_url: runUrl,
      registry: r.publish,
      status: r.pypi_status,
    },
  };
}
