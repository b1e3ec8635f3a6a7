// The one JSON line `ferry promote <svc> --env <env> --hook-step <step>` prints on the host: the answer
// the controller's ssh backend reads (parseHookStepOutput). One shape per step, keyed by `hook_step`.
import { z } from 'zod';

const health = { healthy: z.boolean(), detail: z.string() };

export const hookStepOutputSchema = z.discriminatedUnion('hook_step', [
  z.strictObject({
    hook_step: z.literal('current'),
    image_id: z.string().nullable().describe('the image id the target runs now; null when it does not exist'),
  }),
  z.strictObject({
    hook_step: z.literal('image-id'),
    image_id: z.string().nullable().describe('the id of --image on this host; null when absent'),
  }),
  z.strictObject({
    hook_step: z.literal('identity'),
    identity: z
      .strictObject({ id: z.string(), name: z.string() })
      .nullable()
      .describe('the target container/service on this host (the self check)'),
  }),
  z.strictObject({
    hook_step: z.literal('retag'),
    tags: z.array(z.string()).describe('the refs moved to --image'),
  }),
  z.strictObject({
    hook_step: z.literal('runs'),
    runs: z.boolean().describe('the target already runs --image (SWITCH is done)'),
  }),
  z.strictObject({
    hook_step: z.literal('switch'),
    ok: z.boolean(),
    detail: z.string(),
    auto_rolled_back: z.boolean().describe('swarm rolled the service back by itself'),
  }),
  z.strictObject({ hook_step: z.literal('health'), ...health }),
  z.strictObject({ hook_step: z.literal('rollback'), ...health }),
]);
export type HookStepOutput = z.infer<typeof hookStepOutputSchema>;
