// `ferry dashboard`: a read-only view of runs on loopback. HTML pages, a JSON API, and live events
// over Server-Sent Events (tailing .ferry/runs/<run_id>/events.jsonl).
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { serve } from '@hono/node-server';
import { findRun, listRuns } from '../engine/history.js';
import { eventsFile, SAFE_ID, stateFile } from '../engine/paths.js';
import { isFerryError } from '../errors.js';
import { decideGate, gateWaiting, readGate, type GateFile } from '../adapters/gate/dashboard.js';
import { errorPage, gatesPage, runPage, runsPage } from './dashboard-html.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

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
    const origin = c.req.header('origin');
    if (
      c.req.method !== 'GET' &&
      origin &&
      origin !== 'null' &&
      URL.canParse(origin) &&
      new URL(origin).host !== host
    ) {
      return c.text('cross-origin request refused', 403);
    }
    if (c.req.method !== 'GET' && origin === 'null') return c.text('cross-origin request refused', 403);
    await next();
  });
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
  app.get('/', async (c) => c.html(runsPage(await listRuns(home), (await pendingGates(home)).waiting.length)));
  app.get('/gates', async (c) => {
    // A run killed at its first gate has no state yet (nothing was changed): it starts again; else resume.
    const { waiting, abandoned: stopped } = await pendingGates(home);
    const abandoned = await Promise.all(
      stopped.map(async (g) => ({
        gate: g,
        command: (await stat(stateFile(home, 'release', g.run_id)).then(
          () => true,
          () => false,
        ))
          ? `ferry release --resume ${g.run_id}`
          : 'ferry release',
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
    await decideGate(home, id, String(body.plan_hash ?? ''), decision === 'approve', by);
    return c.req.header('accept')?.includes('application/json')
      ? c.json(await readGate(home, id))
      : c.redirect('/gates', 303);
  });
  app.get('/api/runs', async (c) => c.json({ runs: await listRuns(home) }));
  app.get('/api/runs/:id', async (c) => c.json((await findRun(home, c.req.param('id'))).state));
  app.get('/runs/:id', async (c) => c.html(runPage((await findRun(home, c.req.param('id'))).state)));
  app.get('/runs/:id/events', (c) =>
    streamSSE(c, async (stream) => {
      const path = eventsFile(home, c.req.param('id'));
      let offset = 0;
      let buffered = '';
      let aborted = false;
      stream.onAbort(() => {
        aborted = true;
      });
      // Tail the NDJSON log: send what is there, then what gets appended, until the run finishes.
      while (!aborted) {
        const size = await stat(path).then(
          (s) => s.size,
          () => 0,
        );
        if (size > offset) {
          const fh = await open(path, 'r');
          const { buffer, bytesRead } = await fh.read(Buffer.alloc(size - offset), 0, size - offset, offset);
          await fh.close();
          offset += bytesRead;
          buffered += buffer.subarray(0, bytesRead).toString('utf8');
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines.filter(Boolean)) {
            await stream.writeSSE({ event: 'ferry', data: line });
            if (line.includes('"type":"run.finished"')) aborted = c.req.query('follow') !== 'always';
          }
        }
        if (!aborted) await stream.sleep(300);
      }
    }),
  );
  return app;
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

export function startDashboard(home: string, port: number, host = '127.0.0.1'): Promise<DashboardHandle> {
  return new Promise((resolve) => {
    const server = serve({ fetch: dashboardApp(home, host).fetch, port, hostname: host }, (info) => {
      resolve({
        url: `http://${host}:${info.port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}
