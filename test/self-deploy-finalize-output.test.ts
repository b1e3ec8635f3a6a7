// What `ferry finalize` prints per result: the hook exit code once, and the next command while pending.
import { describe, expect, it } from 'vitest';
import { finalizeLines } from '../src/cli/finalize.js';
import type { FinalizeResult } from '../src/promote/finalize.js';

const base: FinalizeResult = {
  skill: 'finalize',
  status: 'FAILED',
  run_id: 'self-deploy-20260101-aaaaaa',
  service: 'orch',
  hook_exit_code: 1,
  rolled_back: false,
  detail: '',
  verdict: null,
  plan: [],
};

describe('finalize output', () => {
  it('names the hook exit code once when the detail already starts with it', () => {
    expect(
      finalizeLines(
        { ...base, detail: 'hook exit 1; production is on the previous image', verdict: '/v/14-deploy-log.md' },
        'production',
      ),
    ).toEqual([
      'orch self-deploy-20260101-aaaaaa: FAILED — hook exit 1; production is on the previous image',
      'verdict: /v/14-deploy-log.md',
    ]);
    expect(
      finalizeLines({ ...base, status: 'SUCCESS', hook_exit_code: 0, detail: 'already finalized' }, 'production')[0],
    ).toBe('orch self-deploy-20260101-aaaaaa: SUCCESS (hook exit 0) — already finalized');
  });

  it('a pending hook says what to run to wait for it', () => {
    const lines = finalizeLines(
      {
        ...base,
        status: 'pending',
        hook_exit_code: null,
        detail: 'hook pid 42 has not recorded an exit code yet (/x/exit-code)',
      },
      'production',
    );
    expect(lines).toEqual([
      'orch self-deploy-20260101-aaaaaa: pending — hook pid 42 has not recorded an exit code yet (/x/exit-code)',
      'next: ferry finalize orch --env production --run-id self-deploy-20260101-aaaaaa --wait-seconds 120',
    ]);
  });
});
