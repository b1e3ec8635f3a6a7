// Option value parsers: bad numbers are usage errors (exit 2) before anything runs.
import { InvalidArgumentError } from 'commander';

/** A whole number ≥ 0 (seconds, counts). */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${JSON.stringify(value)}`);
  return n;
}
