import type { Renderer } from '../../engine/events.js';
import { JsonRenderer } from './json.js';
import { PlainRenderer } from './plain.js';
import { makeStyle } from './style.js';

export interface RendererChoice {
  json: boolean;
  verbose: boolean;
  color: boolean;
  /** stderr is an interactive terminal and we are not in CI. */
  tty: boolean;
  /**
   * Width the terminal reports (process.stdout.columns). Some (plain `script`, a few CI ptys) say 0:
   * the live list would then wrap every character onto its own line, so plain lines are used.
   */
  columns?: number;
  /** Colour for what goes to stdout (the dry-run plan); defaults to `color`. */
  stdoutColor?: boolean;
}

export type FlushableRenderer = Renderer & { flush?(): Promise<void> };

/** The renderer for this output; the live one (listr2) is imported only for an interactive terminal. */
export async function pickRenderer(c: RendererChoice): Promise<FlushableRenderer> {
  if (c.json) return new JsonRenderer();
  const style = makeStyle(c.color);
  const plan = { write: (s: string) => void process.stdout.write(s), style: makeStyle(c.stdoutColor ?? c.color) };
  if (!c.tty || c.columns === 0) return new PlainRenderer(style, c.verbose, undefined, plan);
  const { LiveRenderer } = await import('./live.js');
  return new LiveRenderer(style, c.verbose, plan);
}
