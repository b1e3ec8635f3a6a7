// The TTY confirmation for rebuild / full restart. Silence is never consent: only y/yes proceeds;
// Ctrl+C, Ctrl+D and an input that closes before an answer are a "no" (nothing runs), not a crash
// or a hang.
import { createInterface } from 'node:readline/promises';

export async function promptYesNo(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: true });
  let answered = false;
  try {
    const answer = await new Promise<string | null>((resolve, reject) => {
      // A closed input never settles rl.question: treat it as no answer.
      rl.once('close', () => resolve(null));
      rl.question(`${question} [y/N] `).then(resolve, (e: unknown) =>
        (e as Error).name === 'AbortError' ? resolve(null) : reject(e as Error),
      );
    });
    answered = answer !== null;
    return answer !== null && /^(y|yes)$/i.test(answer.trim());
  } finally {
    rl.close();
    // Without an answer the cursor is still after the prompt: end the line before the report.
    if (!answered) output.write('\n');
  }
}
