// Small shared zod pieces for ferry.yaml sections.
import { z } from 'zod';

/** A command as an argv array (never a shell string). `{placeholders}` are filled by ferry. */
export const argvSchema = z
  .array(z.string().min(1))
  .min(1, { error: 'expected a command as a non-empty list, e.g. [pre-commit, run, --all-files]' });

/** Name of an environment variable that holds a secret; the value itself never goes in ferry.yaml. */
export const envNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' });

/** Package and repo names: no spaces or shell characters. */
export const safeNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@/-]*$/, {
  error: 'expected a name of letters, digits, and . _ - / @ (no spaces or shell characters)',
});

export const durationMinutes = z.number().positive();
