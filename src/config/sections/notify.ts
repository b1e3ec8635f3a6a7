import { z } from 'zod';
import { envNameSchema } from './common.js';

export const slackSchema = z.strictObject({
  token_env: envNameSchema.default('SLACK_BOT_TOKEN'),
  channel_env: envNameSchema.default('SLACK_CHANNEL_ID'),
  /** Slack Web API base URL (tests point this at a local server). */
  api_url: z.string().url().default('https://slack.com/api/'),
});

export const notifySchema = z.strictObject({
  slack: slackSchema.optional(),
  webhook: z.strictObject({ url_env: envNameSchema }).optional(),
  /** Also print notices (release summary…) to stdout. */
  stdout: z.boolean().default(false),
});
export type NotifyConfig = z.infer<typeof notifySchema>;
