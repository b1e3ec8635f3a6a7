// Schemas of the small CLI outputs that are not a pipeline's result: `ferry --json explain`, the
// `ferry pins` line, `ferry --json completion <shell>`. Their shapes are built here and in the
// commands that print them, so the published schema and the output cannot drift apart.
import { z } from 'zod';
import { ErrorCode } from '../errors.js';

const explained = {
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  meaning: z.string().describe('what happened, in one or two sentences'),
  action: z.string().describe('what to do next (the error’s own fix line has the exact command)'),
  exit_status: z.union([z.literal(1), z.literal(2)]).describe('1 for a failed run, 2 for bad usage or configuration'),
};

/** `ferry --json explain [code]`: one code, or every code when none is given. */
export const explainOutputSchema = z.union([
  z.strictObject(explained),
  z.strictObject({ codes: z.array(z.strictObject(explained)) }),
]);

/** The last stdout line of `ferry pins` (with or without --json): one entry per requested package. */
export const pinsOutputSchema = z.record(
  z.string(),
  z.strictObject({
    from: z.string().nullable().describe('the version pinned before (first occurrence); null when not pinned'),
    to: z.string().describe('the version requested'),
    matched: z.boolean().describe('the Dockerfile pins this package (false only with --allow-unmatched)'),
  }),
);

/** `ferry --json completion <shell>`: the script as a string (without --json it is printed as is). */
export const completionOutputSchema = z.strictObject({
  shell: z.enum(['bash', 'zsh', 'fish']),
  script: z.string(),
});
