// The one table renderer (plans, release summaries, runs list/show, ferry explain).
import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/util/table.js';

describe('renderTable', () => {
  it('pads every column to its widest cell, rules the header, prints null as -, trims line ends', () => {
    expect(
      renderTable(
        ['repo', 'old → new', 'PR'],
        [
          ['omnibase_core', '1.4.0 → 1.5.0', '#12'],
          ['spi', null, undefined],
          ['x', 'multi\nline', 7],
        ],
      ),
    ).toBe(
      [
        'repo          | old → new     | PR',
        '--------------|---------------|----',
        'omnibase_core | 1.4.0 → 1.5.0 | #12',
        'spi           | -             | -',
        'x             | multi line    | 7',
      ].join('\n'),
    );
  });

  it('a table with no rows is the header and its rule', () => {
    expect(renderTable(['a', 'bb'], [])).toBe('a | bb\n--|---');
  });
});
