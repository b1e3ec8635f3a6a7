// --json: every stdout line is one JSON object — the events, then the result last.
import type { Renderer } from '../../engine/events.js';
import type { FerryEvent } from '../../engine/types.js';

export class JsonRenderer implements Renderer {
  constructor(private readonly write: (s: string) => void = (s) => process.stdout.write(s)) {}
  event(e: FerryEvent): void {
    this.write(JSON.stringify(e) + '\n');
  }
}
