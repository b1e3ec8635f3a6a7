// Human reports (the seed's phase log, confirmation prompt, success and failure templates),
// rendered from the same DeployResult that --json prints. Pure.
import { short } from './decide.js';
import type { ConfigChange, DeployResult } from './result.js';
import type { DeployAction, ServiceStatus } from './types.js';

/** Short names of the decision kinds for prompts ("Proceed with rebuild?"); what runs is plan.title. */
export const ACTION_NAME: Readonly<Record<DeployAction, string>> = {
  rebuild: 'rebuild',
  full_restart: 'full restart',
  redeploy: 'redeploy',
  start: 'start',
  status: 'status check',
};

/** The command line of a step, when it is one (a recreate is a sequence of API calls, not a command). */
const commandOf = (s: { kind: string; title: string; text: string }): string | null =>
  s.kind === 'recreate' || s.title === s.text ? null : s.text;

const bullet = (s: string, indent = 2): string => `${' '.repeat(indent)}• ${s}`;

function serviceLine(s: ServiceStatus): string {
  if (!s.exists) return `${s.name} (container ${s.container}): missing ✗`;
  return `${s.name} (container ${s.container}): ${s.running ? 'running ✓' : `${s.status} ✗`}${s.imageId ? `  image ${short(s.imageId)}…` : ''}`;
}

function configLine(c: ConfigChange): string {
  if (c.error) return `${c.name}: unknown (${c.error})`;
  if (!c.changed) return `${c.name}: ${short(c.to)} (no change)`;
  const from = c.from ? `${short(c.from)} → ` : '';
  return `${c.name}: ${from}${short(c.to)}${c.commits.length ? ` (+${c.commits.length} commit${c.commits.length === 1 ? '' : 's'})` : ''}`;
}

function configBlock(changes: readonly ConfigChange[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    out.push(`  - ${configLine(c)}`);
    if (c.changed && c.commits.length) {
      out.push('    Latest changes:');
      for (const k of c.commits.slice(0, 10)) out.push(bullet(`${k.short} - ${k.subject}`, 4));
      if (c.commits.length > 10) out.push(`      … and ${c.commits.length - 10} older`);
    }
    if (c.note) out.push(`    (${c.note})`);
  }
  return out;
}

export function renderAnalysis(r: DeployResult): string {
  const a = r.analysis;
  const lines = ['[Phase 1: Analysis]'];
  lines.push(a.local_changes.length ? `✓ Local changes:` : '✓ Local changes: none');
  for (const f of a.local_changes) lines.push(bullet(`${f.path} (${f.class}, ${f.change})`));
  if (r.config_changes.length) {
    lines.push('✓ Remote config repos:');
    lines.push(...configBlock(r.config_changes));
  }
  if (a.services.length || a.checks.length) {
    lines.push('✓ Current state:');
    for (const s of a.services) lines.push(`  - ${serviceLine(s)}`);
    for (const c of a.checks)
      lines.push(
        `  - ${c.name} ${c.url}: ${c.status === null ? `${c.error ?? 'no response'} ✗` : `HTTP ${c.status} ${c.ok ? '✓' : '✗'}`}`,
      );
  }
  for (const w of a.digest_warnings) lines.push(`⚠ ${w.message}`, `  fix: ${w.fix}`);
  // Everything else analysis warned about (no last-deploy state, unreachable repos…): shown here so
  // a dry run and a real run say the same; the final report does not repeat them.
  const digest = new Set(a.digest_warnings.map((w) => w.message));
  for (const w of r.warnings) if (!digest.has(w)) lines.push(`⚠ ${w}`);
  return lines.join('\n');
}

/** "Build image + Deploy (rebuild; …)": what runs, then the kind of decision when the title does not say it. */
function decisionLine(r: DeployResult, tail: string): string {
  const kind = ACTION_NAME[r.action];
  const said = r.plan.title.toLowerCase().startsWith(kind);
  return `${r.plan.title} (${said ? '' : `${kind}; `}${tail})`;
}

export function renderDecision(r: DeployResult): string {
  const scenario = `scenario: ${r.scenario.replace(/_/g, ' ')}`;
  const tail = r.forced ? `forced by --action ${r.forced.flag}; analysed ${scenario}` : scenario;
  const lines = ['[Phase 2: Decision]', `Decision: ${decisionLine(r, tail)}`];
  if (r.scenarios.length > 1 && !r.forced)
    lines.push(
      `  Also triggered: ${r.scenarios
        .slice(1)
        .map((s) => s.replace(/_/g, ' '))
        .join(', ')} (the strongest action covers them)`,
    );
  lines.push('Reasons:');
  for (const reason of r.reasons) {
    lines.push(`  - ${reason.summary}`);
    for (const d of reason.details) lines.push(bullet(d, 4));
  }
  lines.push(
    r.needs_confirmation ? 'Approval: needs confirmation (slow or disruptive)' : 'Approval: auto-approved (safe)',
  );
  return lines.join('\n');
}

/** What verification will look at, from what is configured (no containers → no image talk). */
function verifyText(r: DeployResult): string | null {
  if (!r.plan.verifies) return null;
  const parts: string[] = [];
  const built = r.plan.steps.some((s) => s.kind === 'build');
  if (r.analysis.services.length) parts.push(built ? 'containers run the new image' : 'containers are running');
  if (r.analysis.checks.length) parts.push('health checks answer');
  return parts.length ? parts.join(' and ') : null;
}

export function renderPlan(r: DeployResult): string {
  const lines = ['[Phase 3: Execution plan]'];
  if (r.plan.missing) {
    lines.push(`  ✗ Missing action: ${r.plan.missing.message}`, ...r.plan.missing.howTo.map((l) => `    ${l}`));
    return lines.join('\n');
  }
  if (!r.plan.steps.length) lines.push('  (nothing to run)');
  r.plan.steps.forEach((s, i) => {
    const cmd = commandOf(s);
    lines.push(`  ${i + 1}. ${s.title}${cmd ? `\n     $ ${cmd}` : ''}`);
  });
  if (r.plan.code_delivery) lines.push(`  why: ${r.plan.code_delivery.why}`);
  if (r.plan.updates_state) lines.push(`  then: update ${r.state_file}`);
  const verify = verifyText(r);
  if (verify) lines.push(`  then: verify ${verify}`);
  return lines.join('\n');
}

/** The seed's "Ask for Rebuild Confirmation" message: why, what is there now, what will happen. */
export function renderConfirmation(r: DeployResult): string {
  const dockerBuild = r.plan.steps.some((s) => s.kind === 'build');
  const head =
    r.action === 'rebuild'
      ? dockerBuild
        ? '🔍 Docker image rebuild required'
        : `🔍 Rebuild required: ${r.plan.title}`
      : r.action === 'full_restart'
        ? `🔍 Full restart required: ${r.plan.title}`
        : `🔍 ${r.plan.title} needs confirmation`;
  const lines = [head, ''];
  for (const reason of r.reasons) {
    lines.push(reason.summary);
    for (const d of reason.details) lines.push(bullet(d));
  }
  const unchanged = r.config_changes.filter((c) => !c.changed && !c.error);
  for (const c of unchanged) lines.push(`- ${c.name}: up to date (no changes)`);
  const last = r.last_deploy;
  if (last?.docker_image_tag || last?.docker_image_digest) {
    lines.push(
      '',
      `Current image: ${last.docker_image_tag ?? '(untagged)'}`,
      `  Built: ${last.build_timestamp ?? 'unknown'}`,
      `  Digest: ${last.docker_image_digest ?? 'unknown'}`,
    );
  }
  const name = ACTION_NAME[r.action];
  lines.push('', `${name[0]!.toUpperCase()}${name.slice(1)} will:`);
  r.plan.steps.forEach((s, i) => {
    const cmd = commandOf(s);
    lines.push(`${i + 1}. ${s.title}${cmd ? ` ($ ${cmd})` : ''}`);
  });
  let n = r.plan.steps.length;
  if (r.plan.updates_state) lines.push(`${++n}. Record the deployed state in ${r.state_file}`);
  const verify = verifyText(r);
  if (verify) lines.push(`${++n}. Verify ${verify}`);
  if (r.action === 'rebuild' && r.config_changes.length) {
    lines.push('', 'New image will contain:');
    for (const c of r.config_changes) lines.push(`- ${configLine(c)}`);
    lines.push(`- Base code: ${short(r.analysis.head)}`);
  }
  return lines.join('\n');
}

function imageBlock(r: DeployResult): string[] {
  const img = r.image;
  // A rebuild by commands that reported no image: there is nothing to show about an image.
  if (!img || (!img.image_tag && !img.image_id)) return [];
  const tag = img.image_tag ?? '';
  const at = tag.lastIndexOf(':');
  const hasTag = at > tag.lastIndexOf('/');
  return [
    '',
    'Docker Image (rebuilt):',
    `  Repository: ${hasTag ? tag.slice(0, at) : tag || 'unknown'}`,
    `  Tag: ${hasTag ? tag.slice(at + 1) : 'latest'}`,
    `  Digest: ${img.image_id ?? 'not reported'}`,
    ...(img.image_size ? [`  Size: ${img.image_size}`] : []),
    `  Built: ${img.build_timestamp}${typeof img.build_duration_ms === 'number' ? ` (build took ${(img.build_duration_ms / 1000).toFixed(1)} s)` : ''}`,
    `  Verified in services: ${img.verified === null ? 'not checked' : img.verified ? '✓ (matching digest confirmed)' : '✗ (digest mismatch)'}`,
  ];
}

function currentState(r: DeployResult): string[] {
  const v = r.verification;
  const services = v
    ? v.containers.map(
        (c) =>
          `${c.name} (container ${c.container}): ${c.running ? 'running ✓' : 'not running ✗'}${c.imageId ? `  image ${short(c.imageId)}…${c.matches === true ? ' ✓' : c.matches === false ? ` ✗ expected ${short(c.expected)}…` : ''}` : ''}`,
      )
    : r.analysis.services.map(serviceLine);
  const checks = (v?.checks ?? r.analysis.checks).map(
    (c) =>
      `${c.name} ${c.url}: ${c.status === null ? `${c.error ?? 'no response'} ✗` : `HTTP ${c.status} ${c.ok ? '✓' : '✗'}`}`,
  );
  if (!services.length && !checks.length) return [];
  return ['', 'Current State:', ...services.map((s) => `  - ${s}`), ...checks.map((c) => `  - ${c}`)];
}

/**
 * Warnings found after the analysis (verification digest drift). The analysis-time ones
 * (r.warnings apart from verification's) were printed by renderAnalysis before anything ran.
 */
function warningsBlock(r: DeployResult): string[] {
  const late = r.verification?.digestWarnings ?? [];
  const lateMessages = new Set(late.map((w) => w.message));
  const seen = new Set<string>([
    ...r.analysis.digest_warnings.map((w) => w.message),
    ...r.warnings.filter((w) => !lateMessages.has(w)),
  ]);
  const out: string[] = [];
  for (const w of late) {
    if (seen.has(w.message)) continue;
    seen.add(w.message);
    out.push(`  ⚠ ${w.message}`, `    fix: ${w.fix}`);
  }
  return out.length ? ['', 'Warnings:', ...out] : [];
}

export function renderSuccess(r: DeployResult): string {
  const title = r.action === 'status' ? '✅ Status check complete: nothing to deploy' : '✅ Deployment Successful';
  const lines = [title, '', `Decision: ${r.plan.title}: ${r.reasons.map((x) => x.summary).join('; ')}`];
  if (r.actions_taken.length) {
    lines.push('', 'Actions Taken:');
    for (const a of r.actions_taken) lines.push(bullet(`${a.title} (${(a.durationMs / 1000).toFixed(1)} s)`));
    if (r.verification) lines.push(bullet('Verified services and health checks'));
  }
  lines.push(...imageBlock(r), ...currentState(r));
  if (r.plan.updates_state && r.last_deploy) {
    lines.push(
      '',
      'Updated Deployment State:',
      ...configBlock(r.config_changes),
      `  - Code: ${short(r.last_deploy.code_commit)}`,
    );
    if (r.last_deploy.docker_image_digest) lines.push(`  - Image Digest: ${r.last_deploy.docker_image_digest}`);
  }
  lines.push(...warningsBlock(r));
  const url = [...(r.verification?.checks ?? r.analysis.checks)].find((c) => c.ok)?.url;
  if (r.action === 'status')
    lines.push(
      '',
      'Next: edit code or config and run `ferry deploy` again; `ferry deploy --dry-run` shows what it would do.',
    );
  // Starting stopped services deploys nothing new: there are no changes to test.
  else if (url)
    lines.push('', r.action === 'start' ? `Services are up again: ${url}` : `You can now test your changes at ${url}`);
  return lines.join('\n');
}

export function renderFailure(r: DeployResult): string {
  const e = r.error;
  const lines = [
    '❌ Deployment Failed',
    '',
    `Phase: ${e?.phase ?? 'unknown'}`,
    `Error: ${e ? `[${e.code}] ${e.message}` : 'unknown'}`,
  ];
  lines.push(...currentState(r));
  if (r.troubleshooting.length) lines.push('', 'Troubleshooting:', ...r.troubleshooting.map((t) => `  - ${t}`));
  if (r.manual_recovery.length) lines.push('', 'Manual recovery:', ...r.manual_recovery.map((t) => `  - ${t}`));
  lines.push(...warningsBlock(r));
  return lines.join('\n');
}
