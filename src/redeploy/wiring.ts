// Real adapters for a redeploy run: Docker runtime (configured socket), Infisical, Slack notifier.
// The CLI imports this module inside the command's action, so other commands never load these adapters.

import type { FerryConfig } from '../config/schema.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { RedeployDeps } from './types.js';
import { createDockerRuntime } from '../adapters/runtime/docker.js';
import { InfisicalStore } from '../adapters/secrets/infisical.js';
import { ErrorCode, FerryError } from '../errors.js';

export function redeployDeps(config: FerryConfig, print: (line: string) => void): RedeployDeps {
  const rt = config.redeploy?.runtime;
  let runtime: ContainerRuntime | null = null;
  return {
    runtime: () =>
      (runtime ??= createDockerRuntime(
        rt?.kind === 'docker' ? { socket: rt.socket, stopTimeoutSeconds: rt.stop_timeout_seconds } : {},
      )),
    secrets: (o) => new InfisicalStore(o),
    // The Slack client is loaded only by a run that notifies Slack (it is a quarter of a second to load).
    notifier: async (env) => {
      if (!config.notify.slack)
        throw new FerryError(ErrorCode.CONFIG_INVALID, 'redeploy.notify is slack but notify.slack is not configured', {
          fix: 'add `notify: { slack: {} }` to ferry.yaml',
        });
      const [{ SlackNotifier }, { slackSettings }] = await Promise.all([
        import('../adapters/notify/slack.js'),
        import('../adapters/gate/slack-client.js'),
      ]);
      return new SlackNotifier(slackSettings(config.notify.slack, env));
    },
    print,
  };
}
