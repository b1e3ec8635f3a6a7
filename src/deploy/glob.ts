// A small glob matcher for path classes. NOTE: node's path.matchesGlob is experimental on Node 20
// (added in 20.17 behind an ExperimentalWarning; our engines floor is 20.5), so we compile globs
// ourselves: `**` (any number of segments), `*` and `?` (within one segment), `{a,b}`, `[...]`.
// Like .gitignore, a pattern without `/` matches the basename at any depth; a leading `/`
// anchors it at the repo root; a trailing `/` means "everything under this directory".
// Dotfiles are matched by `*` (a deploy classifier must see `.env`, `.claude/…`).

const cache = new Map<string, RegExp>();

function escapeChar(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** One path segment (no `/`) to a regex fragment. */
function segmentToRegex(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') {
      // `**` inside a segment (e.g. `a**b`) behaves like `*`.
      while (seg[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end === -1) {
        out += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, end);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      const end = seg.indexOf('}', i + 1);
      if (end === -1) {
        out += '\\{';
        continue;
      }
      const alts = seg
        .slice(i + 1, end)
        .split(',')
        .map(segmentToRegex);
      out += `(?:${alts.join('|')})`;
      i = end;
    } else if (c === '\\' && i + 1 < seg.length) {
      out += escapeChar(seg[++i]!);
    } else {
      out += escapeChar(c);
    }
  }
  return out;
}

/** Compile a glob to an anchored RegExp over `/`-separated repo-relative paths. */
export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let g = glob.trim();
  const anchored = g.startsWith('/');
  if (anchored) g = g.slice(1);
  if (g.endsWith('/')) g += '**';
  const segs = g.split('/').filter((s, i, all) => s !== '' || i === all.length - 1);
  if (!anchored && segs.length === 1) segs.unshift('**');
  let re = '';
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    if (seg === '**') re += last ? '.*' : '(?:[^/]+/)*';
    else re += segmentToRegex(seg) + (last ? '' : '/');
  });
  const compiled = new RegExp(`^${re}$`);
  cache.set(glob, compiled);
  return compiled;
}

/** Does the repo-relative path (either separator) match the glob? */
export function matchGlob(glob: string, path: string): boolean {
  const p = path.replace(/\\/g, '/').replace(/^\.\//, '');
  return globToRegExp(glob).test(p);
}
