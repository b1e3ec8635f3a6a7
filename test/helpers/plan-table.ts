// Read a row of `ferry release`'s plan table (repo | tier | current | new | bump | commits | status | branch…).

/** The row of `label` (`repo` or `repo:package`) by column name, or null when the table has none. */
export function planRowOf(stdout: string, label: string): Record<string, string> | null {
  let header: string[] | null = null;
  for (const line of stdout.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[0] === 'repo' && cells[1] === 'tier') header = cells;
    else if (header && cells.length === header.length && cells[0] === label)
      return Object.fromEntries(header.slice(1).map((h, i) => [h, cells[i + 1]!]));
  }
  return null;
}
