// `deploy_status: SUCCESS|FAILED` in 14-deploy-log.md, written by promote's VERDICT step and by finalize.

import { isFerryError } from '../errors.js';
import type { ResolvedService } from './service.js';
import { readLatestVerdict, writeVerdict } from './verdict-store.js';
import type { VerdictStatus } from './verdict.js';

export interface DeployVerdictFacts {
  status: VerdictStatus;
  runId: string;
  imageId: string;
  previousImageId: string | null;
  exitCode: number | null;
  rolledBack: boolean;
  detail: string;
  now?: () => Date;
  error?: unknown;
  extra?: Record<string, string | number | boolean | null>;
  /** The exit code is the detached hook's (self-deploy finalize), not this process's. */
  fromHook?: boolean;
  /** More output pasted under the detail on FAILED (e.g. the hook log's tail). */
  output?: string;
}

export function writeDeployVerdict(
  target: ResolvedService,
  f: DeployVerdictFacts,
): Promise<{ latest: string; history: string }> {
  const summary =
    f.status === 'SUCCESS'
      ? `Deployed ${f.imageId} to ${target.environment}; health check passed.`
      : `Deploy FAILED (${f.fromHook ? 'hook exit' : 'exit'} ${f.exitCode ?? 'none'})${f.rolledBack ? '; production rolled back to the previous image' : ''}. See details below.`;
  const fix = f.error && isFerryError(f.error) ? f.error.fix : (f.error as { fix?: string | null } | undefined)?.fix;
  return writeVerdict(target.verdictDir, {
    kind: 'deploy',
    status: f.status,
    timestamp: (f.now?.() ?? new Date()).toISOString(),
    base_url: target.spec.base_url ?? null,
    image_id: f.imageId,
    run_id: f.runId,
    service: target.service,
    environment: target.environment,
    extra: {
      previous_image_id: f.previousImageId,
      exit_code: f.exitCode,
      rolled_back: f.rolledBack,
      ...(f.extra ?? {}),
    },
    summary,
    output:
      f.status === 'FAILED'
        ? [f.detail, fix ? `fix: ${fix}` : '', f.output?.trimEnd() ?? ''].filter(Boolean).join('\n')
        : undefined,
  });
}

/**
 * Idempotency check of a VERDICT step: the latest deploy verdict is already this run's, with this
 * status and exit code (a refusal's FAILED verdict does not count for a resume that then succeeds).
 */
export async function deployVerdictWritten(
  target: ResolvedService,
  runId: string,
  status: VerdictStatus,
  exitCode: number | null,
): Promise<string | null> {
  const v = await readLatestVerdict(target.verdictDir, target.service, 'deploy').catch(() => null);
  if (!v) return null;
  const fm = v.frontmatter;
  return fm.run_id === runId && fm.deploy_status === status && (fm.exit_code ?? null) === exitCode ? v.path : null;
}
