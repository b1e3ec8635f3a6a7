// `--versions-from <release run id>`: the versions a release produced, from its result file
// (.ferry/results/<run_id>/release.json → details[].new_version).

import { readFile } from 'node:fs/promises';
import { ErrorCode, FerryError } from '../errors.js';
import { resultFile } from '../engine/paths.js';
import { validateRunId } from '../engine/run-id.js';
import { parseVersions } from '../manifest/dockerfile-pins.js';

interface ReleaseDetail {
  package?: string;
  name?: string;
  repo?: string;
  new_version?: string | null;
  error?: unknown;
  /** Release phase reached; only DONE (published) counts as released. */
  phase?: string;
}

/**
 * Pure: pkg → version for every released detail. Failed, version-less and unfinished entries (a
 * phase other than DONE: planned only, interrupted before publishing, blocked) are left out.
 */
export function versionsFromResult(result: unknown): Record<string, string> {
  const details = (result as { details?: ReleaseDetail[] } | null)?.details ?? [];
  const pairs: string[] = [];
  for (const d of details) {
    const name = d.package ?? d.name ?? d.repo;
    if (!name || !d.new_version || d.error || (d.phase !== undefined && d.phase !== 'DONE')) continue;
    pairs.push(`${name}=${d.new_version}`);
  }
  if (!pairs.length) return {};
  // Same strict validation as --versions: a result file is input too.
  return parseVersions(pairs.join(','), '--versions-from');
}

/** @throws USAGE (bad id, nothing released), NOT_FOUND (no result file) */
export async function versionsFromRelease(stateDir: string, runId: string): Promise<Record<string, string>> {
  validateRunId(runId, '--versions-from');
  const file = resultFile(stateDir, runId, 'release');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new FerryError(ErrorCode.NOT_FOUND, `no release result for ${runId} (${file})`, { fix: 'ferry runs list' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new FerryError(ErrorCode.STATE_CORRUPT, `release result ${file} is not valid JSON`, {
      fix: `ferry runs show ${runId}`,
    });
  }
  const status = (parsed as { status?: unknown } | null)?.status;
  if (status === 'DRY_RUN') {
    throw new FerryError(ErrorCode.USAGE, `release ${runId} was a dry run: it released nothing`, {
      fix: 'ferry runs list   # pick a release that published, or give --versions "pkg=1.2.3"',
    });
  }
  const versions = versionsFromResult(parsed);
  if (!Object.keys(versions).length) {
    throw new FerryError(
      ErrorCode.USAGE,
      `release ${runId} released no packages (no detail reached DONE with a new_version)`,
      { fix: `ferry runs show ${runId}` },
    );
  }
  return versions;
}
