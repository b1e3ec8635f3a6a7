// What a mutating MCP tool returns while its run goes on (the run's own result once it finishes).
import { z } from 'zod';

export const mcpPendingSchema = z.strictObject({
  /** `waiting_for_approval`: the release waits at its gate for a person; `running`: past wait_seconds. */
  status: z.enum(['running', 'waiting_for_approval']),
  run_id: z.string().nullable(),
  /** The dashboard page where a person approves or rejects (waiting_for_approval only). */
  approve_url: z.string().nullable(),
  pid: z.number().int().nullable(),
  waited_seconds: z.number().nonnegative(),
  recent_events: z.array(z.string()),
  /** What the agent should do next, in words. */
  next: z.string(),
  /** The run's NDJSON output; its last line is the result once it finishes. */
  output_file: z.string(),
});
export type McpPending = z.infer<typeof mcpPendingSchema>;

/** The text block of every MCP tool result (for clients that ignore structuredContent). */
export const mcpTextSchema = z.union([
  z.strictObject({
    exit_code: z.number().int().nullable().describe('the ferry child process exit code (0, 1 or 2)'),
    result: z
      .record(z.string(), z.unknown())
      .describe('the last --json line: the tool’s structuredContent, or the error-output line of a refused call'),
    failed_steps: z.array(z.string()).describe('`step: message` of each step.failed event'),
  }),
  mcpPendingSchema.extend({ exit_code: z.null() }),
]);
