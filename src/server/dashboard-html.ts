// Server-rendered pages for the dashboard: no build step, no client framework.
import { html, raw } from 'hono/html';
import type { RunSummary } from '../engine/history.js';
import type { RunState } from '../engine/types.js';
import type { GateFile } from '../adapters/gate/dashboard.js';

const STYLE = raw(`<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .6rem;border-bottom:1px solid #e3e6ea;text-align:left}
.completed,.skipped{color:#1a7f37}.failed,.corrupt,.interrupted{color:#cf222e}.running,.in_progress{color:#9a6700}.blocked,.pending{color:#656d76}
pre{background:#f6f8fa;padding:.75rem;max-height:40vh;overflow:auto}a{color:#0969da}
</style>`);

const ms = (n: number | null) => (n === null ? 'running' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);

export function runsPage(runs: RunSummary[], pendingGates = 0) {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>ferry runs</title>
        ${STYLE}
      </head>
      <body>
        <h1>ferry runs</h1>
        ${
          pendingGates > 0
            ? html`<p>
                <b><a href="/gates">${pendingGates} approval${pendingGates === 1 ? '' : 's'} waiting</a></b>
              </p>`
            : ''
        }
        ${runs.length === 0 ? html`<p>No runs yet.</p>` : ''}
        <table>
          <tr>
            <th>run id</th>
            <th>pipeline</th>
            <th>status</th>
            <th>started</th>
            <th>duration</th>
            <th>steps</th>
          </tr>
          ${runs.map(
            (r) =>
              html`<tr>
                <td><a href="/runs/${r.run_id}">${r.run_id}</a></td>
                <td>${r.pipeline}</td>
                <td class="${r.interrupted ? 'interrupted' : r.status}">${r.interrupted ? 'interrupted' : r.status}</td>
                <td>${r.started_at}</td>
                <td>${r.interrupted ? '-' : ms(r.duration_ms)}</td>
                <td>${r.steps_done}/${r.steps_total}</td>
              </tr>`,
          )}
        </table>
      </body>
    </html>`;
}

export function runPage(s: RunState<unknown>) {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${s.run_id}</title>
        ${STYLE}
      </head>
      <body>
        <p><a href="/">← runs</a></p>
        <h1>${s.pipeline} ${s.run_id}</h1>
        <p>Status: <b class="${s.status}">${s.status}</b> · started ${s.started_at}</p>
        <table>
          <tr>
            <th>step</th>
            <th>status</th>
            <th>attempts</th>
            <th>error</th>
          </tr>
          ${s.step_order.map((id) => {
            const r = s.steps[id]!;
            return html`<tr>
              <td>${id}</td>
              <td class="${r.status}">${r.detail ?? r.status}</td>
              <td>${r.attempts}</td>
              <td>${r.error ? `${r.error.code}: ${r.error.message}` : ''}</td>
            </tr>`;
          })}
        </table>
        <h2>Events</h2>
        <pre id="events"></pre>
        <script>
          const pre = document.getElementById('events');
          const es = new EventSource(location.pathname + '/events');
          es.addEventListener('ferry', (m) => {
            const e = JSON.parse(m.data);
            pre.textContent +=
              e.ts.slice(11, 19) + '  ' + e.type + '  ' + (e.step || '') + '  ' + (e.message || e.status || '') + '\\n';
            pre.scrollTop = pre.scrollHeight;
          });
        </script>
      </body>
    </html>`;
}

export function errorPage(message: string, fix?: string) {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>ferry: error</title>
        ${STYLE}
      </head>
      <body>
        <p><a href="/">← runs</a> · <a href="/gates">approvals</a></p>
        <h1>Not done</h1>
        <p class="failed">${message}</p>
        ${fix ? html`<p>Fix: <code>${fix}</code></p>` : ''}
      </body>
    </html>`;
}

export function gatesPage(gates: GateFile[], abandoned: { gate: GateFile; command: string }[] = []) {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>ferry approvals</title>
        ${STYLE}
      </head>
      <body>
        <p><a href="/">← runs</a></p>
        <h1>Waiting for approval</h1>
        ${gates.length === 0 ? html`<p>Nothing is waiting.</p>` : ''}
        ${gates.map(
          (g) =>
            html`<h2>${g.run_id}</h2>
              <p>requested ${g.requested_at} · plan ${g.plan_hash}</p>
              <pre>${g.message}</pre>
              <form method="post" action="/gates/${g.run_id}/decide">
                <input type="hidden" name="plan_hash" value="${g.plan_hash}" /><label
                  >Your name <input name="by" required
                /></label>
                <button name="decision" value="approve">Approve</button>
                <button name="decision" value="reject">Reject</button>
              </form>`,
        )}
        ${
          abandoned.length > 0
            ? html`<h2>No longer waiting</h2>
                <p>
                  These runs stopped while waiting for approval (their process exited); approving them here would do
                  nothing.
                </p>
                <ul>
                  ${abandoned.map((a) => html`<li>${a.gate.run_id} (requested ${a.gate.requested_at}): run <code>${a.command}</code>, which asks again</li>`)}
                </ul>`
            : ''
        }
      </body>
    </html>`;
}
