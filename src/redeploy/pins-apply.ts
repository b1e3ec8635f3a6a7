// Thin apply half of the pin editor: read the Dockerfile, rewrite in memory, write atomically.
// Validation happens before any read or write, so bad input changes nothing.

import { readFile } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { ErrorCode, FerryError } from '../errors.js';
import { formatPinLines, parseVersions, rewriteDockerfilePins, type PinChange } from '../manifest/dockerfile-pins.js';

export interface ApplyPinsInput {
  /** `a=1,b=2` (validated) or an already-parsed map. */
  versions: string | Record<string, string>;
  dockerfile: string;
  allowUnmatched?: boolean;
  dryRun?: boolean;
}

export interface ApplyPinsResult {
  pins: Record<string, PinChange>;
  changed: boolean;
  /** The seed's stderr lines. */
  lines: string[];
}

/** @throws USAGE (bad --versions), NOT_FOUND (no Dockerfile), PIN_UNMATCHED */
export async function applyPins(input: ApplyPinsInput): Promise<ApplyPinsResult> {
  const versions =
    typeof input.versions === 'string'
      ? parseVersions(input.versions, '--versions', 'ferry pins --dockerfile <file>')
      : input.versions;
  let before: string;
  try {
    before = await readFile(input.dockerfile, 'utf8');
  } catch (e) {
    throw new FerryError(ErrorCode.NOT_FOUND, `Dockerfile not found: ${input.dockerfile}`, {
      cause: e,
      fix: `ls ${input.dockerfile}`,
    });
  }
  const r = rewriteDockerfilePins(before, versions, { allowUnmatched: input.allowUnmatched, file: input.dockerfile });
  if (r.changed && !input.dryRun) await writeFileAtomic(input.dockerfile, r.content);
  return { pins: r.pins, changed: r.changed, lines: formatPinLines(r.pins) };
}
