// The host side of the synchronous remote promote: `ferry promote <svc> --env <env> --hook-step <step>`
// runs ONE backend call against the runtime on this host and prints its answer as one JSON line.
// It writes no state: the controller's engine run (over ssh, backend-ssh.ts) persists every step.

import { ErrorCode, FerryError } from '../errors.js';
import type { PromoteBackend } from './backend.js';
import type { HookStep, HookStepArgs } from './ssh.js';

export interface HookStepDeps {
  backend: PromoteBackend;
  /** Resolve an image reference to its id on this host (null when absent). */
  imageId: (ref: string) => Promise<string | null>;
  /** The target container/service identity on this host (for the controller's self check). */
  identity: () => Promise<{ id: string; name: string } | null>;
}

function need(image: string | undefined, step: HookStep): string {
  if (!image) throw new FerryError(ErrorCode.USAGE, `--hook-step ${step} needs --image <id>`);
  return image;
}

export async function runHookStep(d: HookStepDeps, step: HookStep, a: HookStepArgs): Promise<Record<string, unknown>> {
  const out = (v: Record<string, unknown>): Record<string, unknown> => ({ hook_step: step, ...v });
  switch (step) {
    case 'current':
      return out({ image_id: await d.backend.currentImageId() });
    case 'image-id':
      return out({ image_id: await d.imageId(need(a.image, step)) });
    case 'identity':
      return out({ identity: await d.identity() });
    case 'retag':
      return out({ tags: await d.backend.retag(need(a.image, step)) });
    case 'runs':
      return out({ runs: await d.backend.runs(need(a.image, step)) });
    case 'switch': {
      const s = await d.backend.switchTo(need(a.image, step));
      return out({ ok: s.ok, detail: s.detail, auto_rolled_back: s.autoRolledBack });
    }
    case 'health':
      return out({ ...(await d.backend.health(need(a.image, step))) });
    case 'rollback':
      return out({ ...(await d.backend.rollback(need(a.image, step), { autoRolledBack: Boolean(a.autoRolledBack) })) });
  }
}
