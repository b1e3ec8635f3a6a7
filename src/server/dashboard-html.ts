// Server-rendered pages for the dashboard: no build step, no client framework. The run page's live
// part is one fragment (runLive) that the page re-fetches whenever the event stream says something
// happened, so the first render and every update come from the same template.
import { html, raw } from 'hono/html';
import type { RunSummary } from '../engine/history.js';
import type { RunState } from '../engine/types.js';
import type { GateFile } from '../adapters/gate/dashboard.js';
import type { RunView } from './run-view.js';

const STYLE = raw(`<meta name="viewport" content="width=device-width, initial-scale=1" /><style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24}
@media (max-width:600px){body{margin:.75rem}h1{font-size:1.3rem;word-break:break-all}h2{font-size:1.1rem}}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%}td,th{padding:.35rem .6rem;border-bottom:1px solid #e3e6ea;text-align:left;white-space:nowrap}
.completed,.skipped,.DONE,.approved{color:#1a7f37}.failed,.corrupt,.interrupted,.rejected,.BLOCKED{color:#cf222e}
.running,.in_progress{color:#9a6700}.waiting_for_approval,.pending{color:#8250df}.blocked,.PLANNED{color:#656d76}
.box{border:1px solid #d0d7de;border-radius:6px;padding:.75rem 1rem;margin:1rem 0;background:#f6f8fa}
.notice{border-color:#1a7f37;background:#dafbe1}.wait{border-color:#8250df;background:#fbefff}
pre{background:#f6f8fa;padding:.75rem;max-height:40vh;overflow:auto}a{color:#0969da}
code{word-break:break-all}form label{display:inline-block;margin:.25rem .5rem .25rem 0}button{font-size:1rem;margin:.25rem .25rem 0 0}
</style>`);

const ms = (n: number | null) => (n === null ? 'running' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`);
const words = (status: string) => status.replace(/_/g, ' ');

/** `waiting` holds the ids of runs whose release waits at its gate for a person. */
export function runsPage(runs: RunSummary[], pendingGates = 0, waiting: ReadonlySet<string> = new Set()) {
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
        <div class="scroll">
          <table>
            <tr>
              <th>run id</th>
              <th>pipeline</th>
              <th>status</th>
              <th>started</th>
              <th>duration</th>
              <th>steps</th>
            </tr>
            ${runs.map((r) => {
              const status = waiting.has(r.run_id) ? 'waiting_for_approval' : r.interrupted ? 'interrupted' : r.status;
              const cell = waiting.has(r.run_id) ? html`<a href="/gates/${r.run_id}">${words(status)}</a>` : status;
              return html`<tr>
                <td><a href="/runs/${r.run_id}">${r.run_id}</a></td>
                <td>${r.pipeline}</td>
                <td class="${status}">${cell}</td>
                <td>${r.started_at}</td>
                <td>${r.interrupted ? '-' : ms(r.duration_ms)}</td>
                <td>${r.steps_done}/${r.steps_total}</td>
              </tr>`;
            })}
          </table>
        </div>
      </body>
    </html>`;
}

function gateBox(v: RunView) {
  const g = v.gate;
  if (!g) return '';
  if (v.status === 'waiting_for_approval')
    return html`<div class="box wait" id="gate">
      <b>Waiting for approval</b> since
      ${g.requested_at}${g.timeout_at ? html`, until ${g.timeout_at} (silence never approves)` : ''}.<br />
      Who can approve:
      ${g.channels.join(', ')}${g.approvers.length ? html` (Slack approvers: ${g.approvers.join(', ')})` : ''}.
      <a href="/gates/${v.run_id}">Review the plan and approve or reject</a>
    </div>`;
  if (g.status === 'approved' || g.status === 'rejected')
    return html`<p id="gate">
      Gate:
      <b class="${g.status}">${g.status}</b
      >${g.by ? html` by ${g.by}` : ''}${g.decided_at ? html` at ${g.decided_at}` : ''} (plan
      <code>${g.plan_hash}</code>)
    </p>`;
  return html`<p id="gate">Gate: ${words(g.status)}</p>`;
}

/** The live part of the run page: status, gate, per-package progress and the step table. */
export function runLive(s: RunState<unknown>, v: RunView) {
  return html`<p>
      Status: <b class="${v.status}" id="status">${words(v.status)}</b> · started
      ${s.started_at}${v.finished_at ? html` · finished ${v.finished_at}` : ''} · ${v.steps_done}/${v.steps_total}
      steps${v.current_step ? html` · now: <code>${v.current_step}</code>` : ''}
    </p>
    ${gateBox(v)} ${v.resume ? html`<p>Resume with: <code>${v.resume}</code></p>` : ''}
    ${
      v.packages.length
        ? html`<h2>Packages</h2>
            <div class="scroll">
              <table id="packages">
                <tr>
                  <th>package</th>
                  <th>tier</th>
                  <th>old → new</th>
                  <th>phase</th>
                  <th>step</th>
                  <th>PR</th>
                  <th>tag</th>
                  <th>registry</th>
                </tr>
                ${v.packages.map(
                  (p) =>
                    html`<tr>
                      <td>${p.package}</td>
                      <td>${p.tier}</td>
                      <td class="versions">${p.old_version} → ${p.new_version ?? '-'}</td>
                      <td class="${p.phase}">${p.phase}</td>
                      <td>${p.current_step ?? ''}</td>
                      <td>${p.pr_url ? html`<a href="${p.pr_url}">PR</a>` : '-'}</td>
                      <td>${p.tag ?? '-'}</td>
                      <td>${p.registry ?? '-'}</td>
                    </tr>`,
                )}
              </table>
            </div>`
        : ''
    }
    <h2>Steps</h2>
    <div class="scroll">
      <table id="steps">
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
    </div>`;
}

// The stream replays the log once and then follows it; ids make a reconnect resume where it left off,
// and the page closes the stream at `end` so the browser does not reconnect to a finished run.
const LIVE_SCRIPT = raw(`<script>
(() => {
  const pre = document.getElementById('events');
  const live = document.getElementById('live');
  const seen = new Set();
  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const r = await fetch(location.pathname + '/live', { headers: { accept: 'text/html' } });
      if (r.ok) live.innerHTML = await r.text();
    }, 150);
  };
  const es = new EventSource(location.pathname + '/events');
  es.addEventListener('ferry', (m) => {
    if (seen.has(m.lastEventId)) return;
    seen.add(m.lastEventId);
    const e = JSON.parse(m.data);
    pre.textContent += e.ts.slice(11, 19) + '  ' + e.type + '  ' + (e.step || '') + '  ' + String(e.message || e.status || '').split('\\n')[0] + '\\n';
    pre.scrollTop = pre.scrollHeight;
    refresh();
  });
  es.addEventListener('end', () => {
    es.close();
    document.body.dataset.stream = 'ended';
    refresh();
  });
})();
</script>`);

export function runPage(s: RunState<unknown>, v: RunView) {
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>${s.run_id}</title>
        ${STYLE}
      </head>
      <body data-stream="open">
        <p><a href="/">← runs</a> · <a href="/gates">approvals</a></p>
        <h1>${s.pipeline} ${s.run_id}</h1>
        <div id="live">${runLive(s, v)}</div>
        <h2>Events</h2>
        <pre id="events"></pre>
        ${LIVE_SCRIPT}
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

/** One pending gate: the plan as a table, its hash, the run, and the decision form. */
function gateSection(g: GateFile) {
  return html`<section class="gate" id="gate-${g.run_id}">
    <h2><a href="/gates/${g.run_id}">${g.run_id}</a></h2>
    <p>
      requested ${g.requested_at}${g.timeout_at ? html` · times out ${g.timeout_at} (silence never approves)` : ''} ·
      <a href="/runs/${g.run_id}">run page</a><br />
      plan <code class="plan-hash">${g.plan_hash}</code>
    </p>
    ${
      g.plan
        ? html`<div class="scroll">
            <table class="plan">
              <tr>
                <th>package</th>
                <th>tier</th>
                <th>current</th>
                <th>new</th>
                <th>bump</th>
                <th>commits</th>
                <th>status</th>
              </tr>
              ${g.plan.map(
                (r) =>
                  html`<tr>
                    <td>${r.package}</td>
                    <td>${r.tier}</td>
                    <td>${r.current}</td>
                    <td>${r.new ?? '-'}</td>
                    <td>${r.bump ?? '-'}</td>
                    <td>${r.commits}</td>
                    <td>${r.status}</td>
                  </tr>`,
              )}
            </table>
          </div>`
        : html`<pre>${g.message}</pre>`
    }
    <form method="post" action="/gates/${g.run_id}/decide">
      <input type="hidden" name="plan_hash" value="${g.plan_hash}" /><label
        >Your name <input name="by" required
      /></label>
      <button name="decision" value="approve">Approve</button>
      <button name="decision" value="reject">Reject</button>
    </form>
  </section>`;
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
        ${gates.length === 0 ? html`<p>Nothing is waiting.</p>` : ''} ${gates.map(gateSection)}
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

/** One run's gate: the form while it waits, else what was decided (the confirmation after a decision). */
export function gatePage(g: GateFile, waiting: boolean, justDecided: boolean) {
  const decided = g.status === 'approved' || g.status === 'rejected';
  return html`<!doctype html>
    <html>
      <head>
        <meta charset="utf-8" />
        <title>approval ${g.run_id}</title>
        ${STYLE}
      </head>
      <body>
        <p><a href="/">← runs</a> · <a href="/gates">approvals</a></p>
        <h1>Approval of ${g.run_id}</h1>
        ${
          decided
            ? html`<div class="box ${justDecided ? 'notice' : ''}" id="decision">
                ${justDecided ? 'Recorded: ' : ''}<b class="${g.status}">${g.status}</b
                >${g.by ? html` by ${g.by}` : ''}${g.decided_at ? html` at ${g.decided_at}` : ''} (plan
                <code>${g.plan_hash}</code>).
                ${g.status === 'approved' ? 'The release continues.' : 'The release stops; nothing was changed.'}
                <a href="/runs/${g.run_id}">Follow the run</a>
              </div>`
            : waiting
              ? gateSection(g)
              : html`<p>
                  This gate is ${words(g.status === 'pending' ? 'no longer waiting' : g.status)}.
                  <a href="/runs/${g.run_id}">The run</a>
                </p>`
        }
      </body>
    </html>`;
}
