// Templates checked up front (issue 14 point 5): every tag, branch and commit-message template is
// rendered for every configured package with sample values and the result validated, so an invalid
// one fails `ferry config check` and the dry run — not TAG, after the merge. templateProblems is
// pure; assertTemplates reads the file again only to name each problem's line.

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ErrorCode, FerryError } from '../errors.js';
import type { FerryConfig } from './schema.js';
import { formatKeyPath, locate } from './locate.js';
import { groupTagOf } from './groups-check.js';
import { fillTemplate, renderTag, tagVars } from '../release/versions/tag-template.js';

/** One problem: the config key path it comes from and what is wrong. */
export interface TemplateProblem {
  path: (string | number)[];
  message: string;
}

/** Values the check renders with: a real run's shape (run ids are `[a-z0-9-]`, versions digits and dots). */
const SAMPLE_VERSION = '1.2.3';
const SAMPLE_PRERELEASE = '1.2.3-rc.1';
const SAMPLE_RUN_ID = 'release-20260101-abcdef';

/**
 * Why `ref` (a branch or tag name, short form) is not a valid git ref name, or null when it is.
 * The rules of `git check-ref-format` (refs/heads/<ref>, refs/tags/<ref>), checked here so the
 * check needs no git and no repo.
 */
export function refFormatProblem(ref: string): string | null {
  if (ref === '') return 'it is empty';
  if (ref === '@') return 'it is "@"';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what git refuses
  if (/[\x00-\x20\x7f]/.test(ref)) return 'it holds a space or a control character';
  const bad = ['~', '^', ':', '?', '*', '[', '\\'].find((c) => ref.includes(c));
  if (bad) return `it holds ${JSON.stringify(bad)}`;
  if (ref.includes('..')) return 'it holds ".."';
  if (ref.includes('@{')) return 'it holds "@{"';
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return 'it starts or ends with "/" or holds "//"';
  if (ref.endsWith('.')) return 'it ends with "."';
  if (ref.startsWith('-')) return 'it starts with "-" (git would read it as an option)';
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return `its part ${JSON.stringify(part)} starts with "."`;
    if (part.endsWith('.lock')) return `its part ${JSON.stringify(part)} ends with ".lock"`;
  }
  if (ref.length > 255) return `it is ${ref.length} characters long (over 255)`;
  return null;
}

function show(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}

/**
 * Render every template for every package and validate it: tags and branches are valid git refs,
 * tags of one repo's packages never collide, a commit message is not empty and holds no NUL.
 */
export function templateProblems(config: Pick<FerryConfig, 'packages' | 'release'>): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const seen = new Set<string>();
  const once = (p: TemplateProblem) => {
    const k = `${p.path.join('.')}\0${p.message}`;
    if (seen.has(k)) return;
    seen.add(k);
    problems.push(p);
  };
  const rel = config.release;
  const tagsByRepo = new Map<string, Map<string, string>>();
  const groupTags = groupTagOf({ release: { ...rel, groups: rel.groups ?? [] } });
  const checkTag = (p: (typeof config.packages)[number], i: number, repo: string) => {
    const template = p.tag ?? rel.tag;
    const path = p.tag !== undefined ? ['packages', i, 'tag'] : ['release', 'tag'];
    const vars = tagVars({ name: p.name, repo, path: p.path ?? '.' });
    for (const version of [SAMPLE_VERSION, SAMPLE_PRERELEASE]) {
      const tag = renderTag(template, vars, version);
      const why = refFormatProblem(tag);
      if (!why) continue;
      once({
        path,
        message: `tag template ${show(template)} gives ${p.name} the tag ${show(tag)}, not a valid git tag name: ${why}`,
      });
      break;
    }
    const tag = renderTag(template, vars, SAMPLE_VERSION);
    const tags = tagsByRepo.get(repo) ?? new Map<string, string>();
    const other = tags.get(tag);
    // Members of one version group may share a tag (lockstep: one version, released together).
    const grouped = (config.release.groups ?? []).some(
      (g) => g.packages.includes(p.name) && g.packages.includes(other ?? ''),
    );
    if (other !== undefined && !grouped)
      once({
        path,
        message: `tag template ${show(template)} gives ${other} and ${p.name} (both in repo ${repo}) the same tag ${show(tag)}; use {name} or {dir} in it`,
      });
    tags.set(tag, p.name);
    tagsByRepo.set(repo, tags);
  };
  config.packages.forEach((p, i) => {
    const repo = p.repo ?? p.name;
    // A lockstep group's own tag replaces its members' (checked once below, shared by design).
    if (!groupTags.has(p.name)) checkTag(p, i, repo);
    const branch = fillTemplate(rel.branch, { run_id: SAMPLE_RUN_ID, repo });
    const whyBranch = refFormatProblem(branch);
    if (whyBranch)
      once({
        path: ['release', 'branch'],
        message: `branch template ${show(rel.branch)} gives repo ${repo} the branch ${show(branch)}, not a valid git branch name: ${whyBranch}`,
      });
    const message = fillTemplate(rel.commit_message, { repo, name: p.name, version: SAMPLE_VERSION });
    if (!message.trim())
      once({ path: ['release', 'commit_message'], message: 'commit message template renders an empty message' });
    if (message.includes('\0'))
      once({ path: ['release', 'commit_message'], message: 'commit message template holds a NUL byte' });
  });
  (rel.groups ?? []).forEach((g, i) => {
    if (g.tag === undefined) return;
    const tag = renderTag(g.tag, { name: g.name, repo: g.name, dir: g.name }, SAMPLE_VERSION);
    const why = refFormatProblem(tag);
    if (why)
      once({
        path: ['release', 'groups', i, 'tag'],
        message: `group tag template ${show(g.tag)} gives group ${g.name} the tag ${show(tag)}, not a valid git tag name: ${why}`,
      });
  });
  if (config.packages.length === 0) {
    const branch = fillTemplate(rel.branch, { run_id: SAMPLE_RUN_ID, repo: 'repo' });
    const why = refFormatProblem(branch);
    if (why)
      once({
        path: ['release', 'branch'],
        message: `branch template ${show(rel.branch)} gives the branch ${show(branch)}, not a valid git branch name: ${why}`,
      });
  }
  return problems;
}

/**
 * @throws CONFIG_INVALID (exit 2, before anything is scanned or changed) naming every invalid
 * template as `file:line:col key: why`.
 */
export function assertTemplates(loaded: { path: string; config: Pick<FerryConfig, 'packages' | 'release'> }): void {
  const problems = templateProblems(loaded.config);
  if (problems.length === 0) return;
  let where = (path: (string | number)[]) => `${loaded.path} ${formatKeyPath(path)}`;
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(loaded.path, 'utf8'), { lineCounter });
    where = (path) => {
      const { line, col } = lineCounter.linePos(locate(doc, path).offset);
      return `${loaded.path}:${line}:${col} ${formatKeyPath(path)}`;
    };
  } catch {
    // The file was read and parsed a moment ago; without it the key path alone still says where.
  }
  const lines = problems.map((p) => `${where(p.path)}: ${p.message}`);
  const [first] = problems;
  throw new FerryError(
    ErrorCode.CONFIG_INVALID,
    lines.length === 1 ? lines[0]! : `${lines.length} invalid templates:\n  ${lines.join('\n  ')}`,
    {
      fix: `edit ${formatKeyPath(first!.path)} in ${loaded.path} (e.g. release.tag: '{name}/v{version}', release.branch: 'release/{run_id}/{repo}'), then: ferry config check`,
      details: { problems: problems.map((p) => ({ key: formatKeyPath(p.path), message: p.message })) },
    },
  );
}
