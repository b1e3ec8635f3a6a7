import { z } from 'zod';
import { envNameSchema } from './common.js';

export const slackSchema = z.strictObject({
  token_env: envNameSchema.default('SLACK_BOT_TOKEN').describe('Environment variable holding the Slack bot token.'),
  channel_env: envNameSchema.default('SLACK_CHANNEL_ID').describe('Environment variable holding the Slack channel id.'),
  api_url: z
    .string()
    .url()
    .default('https://slack.com/api/')
    .describe('Slack Web API base URL (tests point this at a local server).'),
});

export const notifySchema = z.strictObject({
  slack: slackSchema.optional().describe('Post notices (and the HIGH_RISK gate message) to Slack.'),
  webhook: z
    .strictObject({
      url_env: envNameSchema.describe('Environment variable holding the webhook URL.'),
    })
    .optional()
    .describe('POST notices as JSON to a webhook URL.'),
  stdout: z.boolean().default(false).describe('Also print notices (release summary\u2026) to stdout.'),
});
export type NotifyConfig = z.infer<typeof notifySchema>;
