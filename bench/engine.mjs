// Engine overhead: a 200-step run (state persisted atomically after every step, events appended)
// against the floor of the same number of atomic file writes done by a bare script.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STEPS = 200;

export function CASES(bin) {
  let dir;
  let n = 0;
  const floor = `
    const { writeFileSync, openSync, fsyncSync, closeSync, renameSync, appendFileSync } = require('node:fs');
    const dir = process.argv[1];
    const state = { steps: {} };
    for (let i = 0; i < ${STEPS}; i++) {
      appendFileSync(dir + '/effects', 's' + i + '\\n');
      for (const phase of ['running', 'completed']) {
        state.steps['s' + i] = { status: phase };
        const tmp = dir + '/state.tmp';
        writeFileSync(tmp, JSON.stringify(state));
        const fd = openSync(tmp, 'r+'); fsyncSync(fd); closeSync(fd);
        renameSync(tmp, dir + '/state.json');
        appendFileSync(dir + '/events', JSON.stringify({ i, phase }) + '\\n');
      }
    }`;
  return [
    {
      name: `engine: ${STEPS}-step run vs bare atomic writes`,
      why: 'durability (fsync + rename after every step) is the floor; the engine should add little on top',
      runs: 3,
      setup: () => {
        dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
      },
      teardown: () => rmSync(dir, { recursive: true, force: true }),
      sizes: ['default', 'full'],
      baseline: () => ({ cmd: 'node', args: ['-e', floor, join(dir)] }),
      subject: () => {
        n++;
        return {
          cmd: 'node',
          args: [
            bin,
            '--state-dir',
            join(dir, 'home'),
            '_selftest',
            '--out',
            join(dir, `out${n}`),
            '--steps',
            String(STEPS),
            '--run-id',
            `bench-20260101-${String(n).padStart(6, '0')}`,
          ],
          env: { FERRY_TEST_COMMANDS: '1', CI: 'true' },
        };
      },
      target: 4,
      limit: 6,
    },
  ];
}
