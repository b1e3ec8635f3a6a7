// NDJSON event log per run (.ferry/runs/<run_id>/events.jsonl), fanned out to a renderer.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { writeAll, writeFailed } from './durable-write.js';
import { dirname } from 'node:path';
import { redact, redactDeep } from '../util/redact.js';
import { eventsFile } from './paths.js';
import type { EventSink, FerryEvent } from './types.js';

export interface Renderer {
  event(e: FerryEvent): void;
}

export class EventLog implements EventSink {
  private readonly path: string | null;
  private fd: number | null = null;

  constructor(
    home: string,
    private readonly runId: string,
    private readonly pipeline: string,
    private readonly renderer: Renderer | undefined,
    /** Dry runs write nothing to disk. */
    persist: boolean,
  ) {
    this.path = persist ? eventsFile(home, runId) : null;
    if (this.path) {
      try {
        mkdirSync(dirname(this.path), { recursive: true });
      } catch (e) {
        throw writeFailed(this.path, e);
      }
    }
  }

  emit(partial: Omit<FerryEvent, 'ts' | 'run_id' | 'pipeline'>): void {
    const e: FerryEvent = redactDeep({
      ts: new Date().toISOString(),
      run_id: this.runId,
      pipeline: this.pipeline,
      ...partial,
    });
    if (e.message) e.message = redact(e.message);
    // Synchronous append: the event is in the file before the next side effect starts.
    if (this.path) {
      try {
        this.fd ??= openSync(this.path, 'a');
        writeAll(this.fd, Buffer.from(JSON.stringify(e) + '\n', 'utf8'));
      } catch (err) {
        throw writeFailed(this.path, err);
      }
    }
    this.renderer?.event(e);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
