// The one PEP 503 name normalisation. Python package names compare case-insensitively with runs of
// `-`, `_` and `.` equal (`Omnibase_SPI` is `omnibase-spi`): every reader, editor, graph, registry
// and test index matches names through this function, so they can never disagree.

/** PEP 503 normalisation: trimmed, lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}
