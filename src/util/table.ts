// The one text table of ferry (plans, summaries, run history): `a | b | c` columns padded to the widest
// cell, a `-|-` rule under the header — the seed's plan-table style, readable in a terminal and in a log.

export type Cell = string | number | null | undefined;

/** Renders rows under headers; null/undefined cells print as `-`; trailing spaces are trimmed. */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = rows.map((r) => headers.map((_, i) => cellText(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

function cellText(c: Cell): string {
  return c === null || c === undefined ? '-' : String(c).replace(/\s*\n\s*/g, ' ');
}
