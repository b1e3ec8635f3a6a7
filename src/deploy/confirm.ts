// The TTY confirmation for rebuild / full restart. Silence is never consent: only y/yes proceeds.
import { createInterface } from 'node:readline/promises';

export async function promptYesNo(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stderr): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: true });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
