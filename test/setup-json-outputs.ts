// vitest setupFiles: a test whose background ferry runs (ferrySpawn) printed --json output that does
// not match the published schemas fails here (ferry() itself throws at the call).
import { afterAll, afterEach, expect } from 'vitest';
import { spawnedOutputProblems } from './helpers/ferry.js';

afterEach(() => {
  const problems = spawnedOutputProblems.splice(0);
  expect(problems, '--json output of a ferrySpawn() run vs schema/').toEqual([]);
});

// A run that ended after its test: checked once the file is done.
afterAll(() => {
  expect(spawnedOutputProblems.splice(0), '--json output of a ferrySpawn() run vs schema/').toEqual([]);
});
