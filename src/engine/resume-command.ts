// Which pipelines resume, and the command that does it. Its own module because `ferry runs`
// registers with it at start-up, and start-up must not load the run view's schemas (zod).

// Pipelines whose command takes --resume <run_id> (deploy and finalize start over instead).
const RESUMABLE: Record<string, string> = {
  release: 'release',
  redeploy: 'redeploy',
  stage: 'stage',
  promote: 'promote',
  'self-deploy': 'self-deploy',
  selftest: '_selftest',
};

/** `ferry <cmd> --resume <id>`, or null for a pipeline that starts over. */
export function resumeFor(pipeline: string, runId: string): string | null {
  return RESUMABLE[pipeline] ? `ferry ${RESUMABLE[pipeline]} --resume ${runId}` : null;
}
