// `ferry dashboard`: a read-only view of runs on loopback. HTML pages, a JSON API, and live events
// over Server-Sent Events (tailing .ferry/runs/<run_id>/events.jsonl).
import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { serve } from '@hono/node-server';
import { findRun, isInterrupted, listRuns, summarize } from '../engine/history.js';
import { liveHolder } from '../engine/lock.js';
import { eventsFile, SAFE_ID, stateFile } from '../engine/paths.js';
import { loadState, writeJsonAtomic } from '../engine/state-store.js';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { decideGate, gateWaiting, readGate, type GateFile } from '../adapters/gate/dashboard.js';
import { errorPage, gatePage, gatesPage, runLive, runPage, runsPage } from './dashboard-html.js';
import { runView } from './run-view.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];
export const DASHBOARD_MAX_BODY_BYTES = 64 * 1024;

/**
 * @param bindHost the address served; on a loopback address only loopback Host names are answered
 *   (a web page cannot reach the gate through DNS rebinding), and on any address a POST from another
 *   origin is refused (a web page cannot submit an approval form cross-site).
 */
export function dashboardApp(home: string, bindHost = '127.0.0.1'): Hono {
  const app = new Hono();
  const anyHost = bindHost === '0.0.0.0' || bindHost === '::';
  const allowed = new Set([...LOOPBACK, bindHost.replace(/^\[|\]$/g, '')]);
  app.use('*', async (c, next) => {
    const host = c.req.header('host') ?? '';
    const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (!anyHost && !allowed.has(name)) return c.text(`host ${JSON.stringify(host)} is not served here`, 403);
    // A browser names the page's origin on every POST: anything but exactly ours (another site, `null`,
    // an unparseable value, another scheme or port) is refused. No Origin at all is a script (curl).
    const origin = c.req.header('origin');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && origin !== undefined && origin !== `http://${host}`)
      return c.text('cross-origin request refused', 403);
    await next();
  });
  // A decision is three short form fields: a large body is refused before it is read.
  app.use(
    '*',
    bodyLimit({ maxSize: DASHBOARD_MAX_BODY_BYTES, onError: (c) => c.text('request body over 64 KiB refused', 413) }),
  );
  app.onError((e, c) => {
    // A person clicking a button or following a link gets a page; the JSON API and scripts get JSON.
    const browser =
      !c.req.path.startsWith('/api/') &&
      !c.req.header('accept')?.includes('application/json') &&
      c.req.header('accept')?.includes('text/html');
    if (!isFerryError(e))
      return browser ? c.html(errorPage('internal error'), 500) : c.json({ error: { message: 'internal error' } }, 500);
    const status = e.code === 'PLAN_CHANGED' ? 409 : 404;
    return browser ? c.html(errorPage(e.message, e.fix), status) : c.json({ error: e.toJSON() }, status);
  });
  app.use('/runs/:id/*', async (c, next) =>
    SAFE_ID.test(c.req.param('id') ?? '') ? next() : c.text('bad run id', 400),
  );
  app.get('/', async (c) => {
    const { waiting } = await pendingGates(home);
    return c.html(runsPage(await listRuns(home), waiting.length, new Set(waiting.map((g) => g.run_id))));
  });
  app.get('/gates', async (c) => {
    // A run killed at its first gate has no state yet (nothing was changed): it starts again; else resume.
    const { waiting, abandoned: stopped } = await pendingGates(home);
    const abandoned = await Promise.all(
      stopped.map(async (g) => ({
        gate: g,
        command: (await startedSteps(home, g.run_id)) ? `ferry release --resume ${g.run_id}` : 'ferry release',
      })),
    );
    return c.html(gatesPage(waiting, abandoned));
  });
  app.get('/api/gates', async (c) => c.json({ gates: (await pendingGates(home)).waiting }));
  // A decision names the plan hash the person reviewed: a changed plan cannot be approved by a stale page.
  app.post('/gates/:id/decide', async (c) => {
    const id = c.req.param('id');
    if (!SAFE_ID.test(id)) return c.text('bad run id', 400);
    const body = await c.req.parseBody();
    const decision = String(body.decision ?? '');
    if (decision !== 'approve' && decision !== 'reject') return c.text('decision must be approve or reject', 400);
    const by =
      String(body.by ?? '')
        .trim()
        .slice(0, 64) || 'dashboard';
    const decided = await decideGate(home, id, String(body.plan_hash ?? ''), decision === 'approve', by);
    return c.req.header('accept')?.includes('application/json')
      ? c.json(decided)
      : c.redirect(`/gates/${id}?decided=1`, 303);
  });
  app.get('/gates/:id', async (c) => {
    const id = c.req.param('id');
    if (!SAFE_ID.test(id)) return c.text('bad run id', 400);
    const g = await readGate(home, id);
    if (!g) throw new FerryError(ErrorCode.NOT_FOUND, `no approval was asked for run ${id}`, { fix: 'open /gates' });
    const waiting = g.status === 'pending' && (await gateWaiting(home, id));
    return c.html(gatePage(g, waiting, c.req.query('decided') === '1'));
  });
  app.get('/api/runs', async (c) => c.json({ runs: await listRuns(home) }));
  app.get('/api/runs/:id', async (c) => c.json((await findRun(home, c.req.param('id'))).state));
  app.get('/api/runs/:id/view', async (c) => {
    const { state, summary, view } = await viewOf(home, c.req.param('id'));
    return c.json({ summary, view, state });
  });
  app.get('/runs/:id', async (c) => {
    const { state, view } = await viewOf(home, c.req.param('id'));
    return c.html(runPage(state, view));
  });
  app.get('/runs/:id/live', async (c) => {
    const { state, view } = await viewOf(home, c.req.param('id'));
    return c.html(runLive(state, view));
  });
  app.get('/runs/:id/events', (c) => {
    const id = c.req.param('id');
    // The id of an event is its line number in the log: a reconnecting browser sends the last one it
    // got (Last-Event-ID) and gets only what came after, never the log again.
    const last = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
    const skip = Number.isInteger(last) && last > 0 ? last : 0;
    return streamSSE(c, async (stream) => {
      const path = eventsFile(home, id);
      let offset = 0;
      let line = 0;
      let buffered = '';
      let aborted = false;
      let lastType = '';
      let idle = 0;
      stream.onAbort(() => {
        aborted = true;
      });
      // Tail the NDJSON log: send what is there, then what gets appended, while the run lives.
      while (!aborted) {
        const size = await stat(path).then(
          (s) => s.size,
          () => 0,
        );
        if (size > offset) {
          idle = 0;
          const fh = await open(path, 'r');
          const { buffer, bytesRead } = await fh.read(Buffer.alloc(size - offset), 0, size - offset, offset);
          await fh.close();
          offset += bytesRead;
          buffered += buffer.subarray(0, bytesRead).toString('utf8');
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const text of lines.filter(Boolean)) {
            line++;
            lastType = /"type":"([a-z.]+)"/.exec(text)?.[1] ?? '';
            if (line > skip) await stream.writeSSE({ event: 'ferry', id: String(line), data: text });
          }
        } else idle++;
        // Finished (its last event is run.finished), or nobody is running it (killed, or never
        // started here): say so once, and the page closes the stream instead of reconnecting.
        const over =
          c.req.query('follow') !== 'always' &&
          (lastType === 'run.finished' || (idle >= 3 && !(await running(home, id))));
        if (over) {
          await stream.writeSSE({ event: 'end', id: String(line), data: JSON.stringify({ last_event_id: line }) });
          break;
        }
        if (!aborted) await stream.sleep(300);
      }
    });
  });
  return app;
}

/** Does a live process hold this run (any pipeline)? */
async function running(home: string, runId: string): Promise<boolean> {
  const names = await readdir(join(home, 'state')).catch(() => [] as string[]);
  for (const pipeline of names) if ((await liveHolder(stateFile(home, pipeline, runId))) !== null) return true;
  return false;
}

async function viewOf(home: string, runId: string) {
  const { state, archived } = await findRun(home, runId);
  const summary = summarize(state, archived, await isInterrupted(home, state, archived));
  return { state, summary, view: await runView(home, state, summary) };
}

/** Whether a release run got past its gate (some step started): then it resumes, else it starts again. */
async function startedSteps(home: string, runId: string): Promise<boolean> {
  try {
    const { state } = await loadState(home, 'release', runId);
    return Object.values(state.steps).some((r) => r.status !== 'pending');
  } catch {
    return false;
  }
}

/** Gates still `pending`, split by whether their run is alive and waiting on them (read once). */
async function pendingGates(home: string): Promise<{ waiting: GateFile[]; abandoned: GateFile[] }> {
  const names = await readdir(join(home, 'gates')).catch(() => [] as string[]);
  const gates = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => readGate(home, n.slice(0, -5))));
  const pending = gates.filter((g): g is GateFile => g?.status === 'pending');
  const alive = await Promise.all(pending.map((g) => gateWaiting(home, g.run_id)));
  return { waiting: pending.filter((_, i) => alive[i]), abandoned: pending.filter((_, i) => !alive[i]) };
}

export interface DashboardHandle {
  url: string;
  close(): Promise<void>;
}

/**
 * Serve the dashboard. It records its URL in <home>/dashboard.json so a run waiting at its gate
 * (and ferry_release over MCP) can tell people where to approve; the file goes when it closes.
 */
export function startDashboard(home: string, port: number, host = '127.0.0.1'): Promise<DashboardHandle> {
  const record = join(home, 'dashboard.json');
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: dashboardApp(home, host).fetch, port, hostname: host }, (info) => {
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
      writeJsonAtomic(record, { url: `http://${shown}:${info.port}`, pid: process.pid }).then(
        () =>
          resolve({
            url,
            close: () => new Promise<void>((r) => server.close(() => void rm(record, { force: true }).then(() => r()))),
          }),
        reject,
      );
    });
  });
}
