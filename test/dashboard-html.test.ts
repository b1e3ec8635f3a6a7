import { describe, expect, it } from 'vitest';
import { runsPage } from '../src/server/dashboard-html.js';
import type { RunSummary } from '../src/engine/history.js';

const run = (id: string, o: Partial<RunSummary>): RunSummary => ({
  run_id: id,
  pipeline: 'release',
  status: 'in_progress',
  started_at: '2026-02-25T10:00:00.000Z',
  finished_at: null,
  duration_ms: null,
  steps_total: 4,
  steps_done: 1,
  archived: false,
  interrupted: false,
  ...o,
});

describe('dashboard runs page', () => {
  it('a killed run shows as interrupted (not running); a live one as in_progress; names are escaped', async () => {
    const page = String(
      await runsPage([
        run('release-a', { interrupted: true }),
        run('release-b', {}),
        run('<x>', { status: 'completed', duration_ms: 2500 }),
      ]),
    );
    // Cells may be separated by the template's whitespace.
    const row = (page: string) => page.replace(/>\s+</g, '><');
    expect(row(page)).toMatch(
      /release-a<\/a><\/td><td>release<\/td><td class="interrupted">interrupted<\/td><td>[^<]+<\/td><td>-<\/td>/,
    );
    expect(row(page)).toMatch(
      /release-b<\/a><\/td><td>release<\/td><td class="in_progress">in_progress<\/td><td>[^<]+<\/td><td>running<\/td>/,
    );
    const waiting = row(String(await runsPage([run('release-c', {})], 1, new Set(['release-c']))));
    expect(waiting).toContain(
      '<td class="waiting_for_approval"><a href="/gates/release-c">waiting for approval</a></td>',
    );
    expect(page).toContain('&lt;x&gt;');
    expect(page).toContain('<td>2.5 s</td>');
  });
});
