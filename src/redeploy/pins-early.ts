// Redeploy's early pin check: the requested versions against the infra repo's Dockerfile as it is
// now, before SYNC, WORKTREE or any state. Bad versions (not pinned, above a range, a downgrade) are
// usage errors (exit 2) with the redeploy command that gets past them; nothing has changed yet.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { formatPinEdits, formatVersions, rewriteDockerfilePins } from '../manifest/dockerfile-pins.js';
import { repoDir } from './plan.js';
import type { RedeployData, RedeployEnvContext } from './types.js';

export interface PinPreview {
  /** Every pin change with file:line, then the packages the Dockerfile does not pin. */
  lines: string[];
  notInDockerfile: string[];
}

/**
 * null when PIN_UPDATE will not use the built-in editor (skipped, verify-only, a pin_command) or the
 * Dockerfile is not in the repo yet (SYNC may bring it; PIN_UPDATE then checks).
 * @throws PIN_UNMATCHED, PIN_CONFLICT (both exit 2)
 */
export function checkPinsEarly(env: RedeployEnvContext, data: RedeployData): PinPreview | null {
  const f = data.flags;
  if (f.verify_only || f.skip_dockerfile_update || env.config.pin_command) return null;
  const file = join(repoDir(env, env.config.repo), env.config.dockerfile);
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const label = env.config.dockerfile;
  try {
    const r = rewriteDockerfilePins(content, data.versions_requested, {
      allowUnmatched: Boolean(f.allow_unmatched),
      allowDowngrade: Boolean(f.allow_downgrade),
      rangePins: env.config.range_pins,
      file: label,
    });
    const lines = formatPinEdits(r.edits, label);
    for (const p of r.not_in_dockerfile) lines.push(`  ${p}: not in ${label} (not_in_dockerfile), skipped`);
    return { lines, notInDockerfile: r.not_in_dockerfile };
  } catch (e) {
    if (!isFerryError(e)) throw e;
    const base = [
      `ferry redeploy --versions "${formatVersions(data.versions_requested)}"`,
      f.skip_sync ? '--skip-sync' : '',
      f.skip_secrets ? '--skip-infisical' : '',
      f.allow_unmatched ? '--allow-unmatched' : '',
      f.allow_downgrade ? '--allow-downgrade' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const fix =
      e.code === ErrorCode.PIN_UNMATCHED
        ? `${base} --allow-unmatched   # or drop ${(e.details.unmatched as string[]).join(', ')} from --versions`
        : /go down/.test(e.message)
          ? `${base} --allow-downgrade`
          : (e.fix ?? `edit ${label}`);
    throw new FerryError(e.code, `${e.message} (checked before SYNC: nothing was changed)`, {
      fix,
      details: { ...e.details, dockerfile: file },
    });
  }
}
