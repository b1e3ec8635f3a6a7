// Live task list on a TTY (listr2): one line per package or phase, its current step underneath.
import { Listr, type ListrTaskWrapper } from 'listr2';
import type { Renderer } from '../../engine/events.js';
import type { FerryEvent } from '../../engine/types.js';
import { PlainRenderer, type PlanOutput } from './plain.js';
import type { Style } from './style.js';

interface Line {
  key: string;
  steps: string[];
  settled: number;
  resolve: (r: { fail?: string; skip?: string }) => void;
  promise: Promise<{ fail?: string; skip?: string }>;
  skipped: number;
}

type Task = ListrTaskWrapper<unknown, never, never>;

export class LiveRenderer implements Renderer {
  private lines: Line[] = [];
  private byStep = new Map<string, Line>();
  private current: Task | null = null;
  private running: Promise<unknown> | null = null;
  private readonly plain: PlainRenderer;

  constructor(
    style: Style,
    private readonly verbose: boolean,
    plan?: PlanOutput,
  ) {
    this.plain = new PlainRenderer(style, verbose, undefined, plan);
  }

  event(e: FerryEvent): void {
    if ((e.type === 'run.started' || e.type === 'run.resumed') && !e.data?.dry_run) return this.start(e);
    if (!this.running) return this.plain.event(e);
    const line = e.step ? this.byStep.get(e.step) : undefined;
    switch (e.type) {
      case 'step.started':
        if (this.current && e.title) this.current.output = `${e.step}: ${e.title}`;
        return;
      case 'step.completed':
      case 'step.skipped':
      case 'step.blocked':
        if (!line) return;
        if (e.type !== 'step.completed') line.skipped++;
        if (++line.settled === line.steps.length)
          line.resolve(
            line.skipped === line.steps.length
              ? { skip: e.type === 'step.blocked' ? 'blocked' : (e.message ?? 'already done') }
              : {},
          );
        return;
      case 'step.failed':
        line?.resolve({ fail: `${e.step}: ${e.message ?? 'failed'}` });
        return;
      case 'log':
        if (e.level === 'debug' && !this.verbose) return;
        if (this.current) this.current.output = e.message ?? '';
        return;
      default:
        return;
    }
  }

  private start(e: FerryEvent): void {
    this.plain.event(e);
    const steps = (e.data?.steps ?? []) as { id: string; group: string | null }[];
    for (const s of steps) {
      const key = s.group ?? s.id;
      let line = this.lines.find((l) => l.key === key);
      if (!line) {
        let resolve!: Line['resolve'];
        const promise = new Promise<{ fail?: string; skip?: string }>((r) => (resolve = r));
        line = { key, steps: [], settled: 0, skipped: 0, resolve, promise };
        this.lines.push(line);
      }
      line.steps.push(s.id);
      this.byStep.set(s.id, line);
    }
    const list = new Listr(
      this.lines.map((line) => ({
        title: line.key,
        task: async (_ctx: unknown, task: Task) => {
          this.current = task;
          const r = await line.promise;
          if (r.fail) throw new Error(r.fail);
          if (r.skip) task.skip(`${line.key} (${r.skip})`);
        },
      })),
      { concurrent: false, exitOnError: true },
    );
    this.running = list.run().catch(() => undefined);
  }

  async flush(): Promise<void> {
    // Lines that never settle (run stopped early) are released so the list can close.
    for (const l of this.lines) l.resolve({ skip: 'not run' });
    await this.running;
  }
}
