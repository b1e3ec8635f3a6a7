// The promote precondition: the latest staging verdict is SUCCESS and it tested this exact image.

import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import type { ResolvedService } from './service.js';
import { readLatestVerdict } from './verdict-store.js';
import type { Verdict } from './verdict.js';

/** The staging service's latest verdict. @throws STATE_CORRUPT (hand-edited, truncated…) with the command that rewrites it */
export async function readStagingVerdict(staging: ResolvedService): Promise<(Verdict & { path: string }) | null> {
  try {
    return await readLatestVerdict(staging.verdictDir, staging.service, 'staging');
  } catch (e) {
    if (!isFerryError(e) || e.code !== ErrorCode.STATE_CORRUPT) throw e;
    throw new FerryError(ErrorCode.STATE_CORRUPT, e.message, {
      fix: `ferry stage ${staging.service} --env ${staging.environment}`,
      details: e.details,
      cause: e,
    });
  }
}

/** @throws STAGING_FAILED (no verdict, or FAILED), STAGING_STALE (SUCCESS for another image id) */
export function assertStagingPassed(
  verdict: (Verdict & { path: string }) | null,
  imageId: string,
  service: string,
  stagingEnv: string,
): void {
  const fix = `ferry stage ${service} --env ${stagingEnv}`;
  if (!verdict)
    throw new FerryError(ErrorCode.STAGING_FAILED, `no staging verdict for ${service}: run the staging check first`, {
      fix,
    });
  if (verdict.status !== 'SUCCESS') {
    throw new FerryError(
      ErrorCode.STAGING_FAILED,
      `latest staging verdict for ${service} is FAILED (${verdict.path})`,
      { fix, details: { verdict: verdict.path } },
    );
  }
  const tested = verdict.frontmatter.image_id;
  if (tested !== imageId) {
    throw new FerryError(
      ErrorCode.STAGING_STALE,
      `staging verdict for ${service} is SUCCESS for image ${String(tested)}, not ${imageId}: stage that image first (it must run in the ${stagingEnv} container)`,
      {
        fix,
        details: { verdict: verdict.path, tested_image_id: tested ?? null, image_id: imageId },
      },
    );
  }
}
