// The dashboard as a person uses it, in headless Chromium: a release waits at the dashboard gate,
// shows in the run list, is approved on its gate page, and its run page (never reloaded) follows it
// live to completed with the versions shown and no event twice. Screenshots: test-artifacts/dashboard/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { startDashboard, type DashboardHandle } from '../../src/server/dashboard.js';
import { ferrySpawn, jsonLines } from '../helpers/ferry.js';
import { artifactsDir, launchChromium } from '../helpers/browser.js';

let eco: Ecosystem;
let dash: DashboardHandle;
let browser: Browser;
const shots = artifactsDir('dashboard');
const RUN = 'release-20260303-b10b10';
// Visible text with the template's line breaks folded, as a person reads it.
const text = async (l: { textContent(): Promise<string | null> }) =>
  ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  eco = await buildEcosystem({
    repos: [{ name: 'web_pkg', ecosystem: 'python', version: '1.0.0', commits: [{ subject: 'feat: a page' }] }],
  });
  // A lint that takes a moment, so the page is seen in progress before it completes.
  eco.writeConfig({
    release: { lint: ['sh', '-c', 'sleep 2'], gate: { channels: ['dashboard'], timeout_minutes: 2 } },
  });
  [dash, browser] = await Promise.all([startDashboard(join(eco.workspace, '.ferry'), 0), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await eco?.cleanup();
});

describe('dashboard in a browser', () => {
  it('waiting run in the list → gate page → approve → live run page reaches completed', async () => {
    // --json, as an agent's pipeline runs it: its NDJSON is checked against schema/ (test/setup-json-outputs.ts).
    const child = ferrySpawn(['--json', 'release', '--run-id', RUN], { cwd: eco.workspace });
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const list = await ctx.newPage();
    // The run list shows the release waiting for approval (the list is reloaded until the run asks).
    let listed = false;
    for (let i = 0; i < 100 && !listed; i++) {
      await list.goto(`${dash.url}/`);
      listed = (await list.locator(`tr:has(a[href="/runs/${RUN}"]) td.waiting_for_approval`).count()) > 0;
      if (!listed) await list.waitForTimeout(200);
    }
    expect(listed).toBe(true);
    expect(await list.locator('text=1 approval waiting').count()).toBe(1);
    await list.screenshot({ path: join(shots, '1-runs-waiting.png'), fullPage: true });

    // The run page, opened once and never reloaded from here on.
    const run = await ctx.newPage();
    await run.goto(`${dash.url}/runs/${RUN}`);
    await run.evaluate('window.notReloaded = true'); // a reload would lose it
    await expect.poll(() => run.locator('#status').textContent()).toBe('waiting for approval');
    expect(await text(run.locator('#gate'))).toContain('Who can approve: dashboard.');
    expect(await run.locator('#packages .versions').first().textContent()).toBe('1.0.0 → 1.1.0');
    await run.screenshot({ path: join(shots, '2-run-waiting.png'), fullPage: true });

    // The gate page, reached from the run page's link: the plan as a table with its hash and the run.
    const gate = await ctx.newPage();
    await gate.goto(`${dash.url}${await run.locator('#gate a').getAttribute('href')}`);
    expect(await gate.locator('table.plan td').allTextContents()).toEqual(
      expect.arrayContaining(['web_pkg', '1.0.0', '1.1.0', 'minor']),
    );
    expect(await gate.locator('.plan-hash').textContent()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await gate.locator(`a[href="/runs/${RUN}"]`).count()).toBe(1);
    await gate.screenshot({ path: join(shots, '3-gate.png'), fullPage: true });
    await gate.fill('input[name="by"]', 'alice');
    await gate.click('button[value="approve"]');
    await gate.waitForURL(`${dash.url}/gates/${RUN}?decided=1`);
    const confirmation = await text(gate.locator('#decision'));
    expect(confirmation).toContain('Recorded: approved by alice');
    expect(await gate.locator(`#decision a[href="/runs/${RUN}"]`).count()).toBe(1);
    await gate.screenshot({ path: join(shots, '4-approved.png'), fullPage: true });

    // Live: the run page follows the stream to completed, then closes it.
    await expect.poll(() => run.locator('#status').textContent(), { timeout: 90_000, interval: 250 }).toBe('completed');
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(jsonLines(String(r.stdout)).at(-1)).toMatchObject({ skill: 'release', status: 'SUCCESS', run_id: RUN });
    await expect.poll(() => run.evaluate('document.body.dataset.stream')).toBe('ended');
    expect(await run.evaluate('window.notReloaded')).toBe(true);
    expect(await run.locator('#packages .versions').first().textContent()).toBe('1.0.0 → 1.1.0');
    expect(await run.locator('#packages td.DONE').count()).toBe(1);
    expect(await text(run.locator('#gate'))).toMatch(/^Gate: approved by alice at /);
    // Every event of the log exactly once, in order.
    const logged = readFileSync(join(eco.workspace, '.ferry', 'runs', RUN, 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string });
    const shown = ((await run.locator('#events').textContent()) ?? '').split('\n').filter(Boolean);
    expect(shown.map((l) => l.split(/\s+/)[1])).toEqual(logged.map((e) => e.type));
    expect(shown.filter((l) => l.includes('gate.approved'))).toEqual([expect.stringContaining('by alice')]);
    await run.screenshot({ path: join(shots, '5-run-completed.png'), fullPage: true });

    // Phone width: the same page fits (tables scroll inside their box, the page itself does not).
    await run.setViewportSize({ width: 390, height: 844 });
    const overflow = Number(await run.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    expect(overflow).toBeLessThanOrEqual(0);
    await run.screenshot({ path: join(shots, '6-run-phone.png'), fullPage: true });
    await gate.setViewportSize({ width: 390, height: 844 });
    await gate.goto(`${dash.url}/gates/${RUN}`);
    await gate.screenshot({ path: join(shots, '7-gate-phone.png'), fullPage: true });
    await ctx.close();
  });
});
