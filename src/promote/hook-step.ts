// The host side of the synchronous remote promote: `ferry promote <svc> --env <env> --hook-step <step>`
// runs ONE backend call against the runtime on this host and prints its answer as one JSON line.
// It writes no state: the controller's engine run (over ssh, backend-ssh.ts) persists every step.

import { ErrorCode, FerryError } from '../errors.js';
import type { PromoteBackend } from './backend.js';
import type { HookStepOutput } from './hook-step-schema.js';
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

/** The step's answer, exactly schema/hook-step.schema.json (fields picked, so nothing extra leaks into it). */
export async function runHookStep(d: HookStepDeps, step: HookStep, a: HookStepArgs): Promise<HookStepOutput> {
  switch (step) {
    case 'current':
      return { hook_step: step, image_id: await d.backend.currentImageId() };
    case 'image-id':
      return { hook_step: step, image_id: await d.imageId(need(a.image, step)) };
    case 'identity': {
      const id = await d.identity();
      return { hook_step: step, identity: id ? { id: id.id, name: id.name } : null };
    }
    case 'retag':
      return { hook_step: step, tags: await d.backend.retag(need(a.image, step)) };
    case 'runs':
      return { hook_step: step, runs: await d.backend.runs(need(a.image, step)) };
    case 'switch': {
      const s = await d.backend.switchTo(need(a.image, step));
      return { hook_step: step, ok: s.ok, detail: s.detail, auto_rolled_back: s.autoRolledBack };
    }
    case 'health': {
      const h = await d.backend.health(need(a.image, step));
      return { hook_step: step, healthy: h.healthy, detail: h.detail };
    }
    case 'rollback': {
      const h = await d.backend.rollback(need(a.image, step), { autoRolledBack: Boolean(a.autoRolledBack) });
      return { hook_step: step, healthy: h.healthy, detail: h.detail };
    }
  }
}
