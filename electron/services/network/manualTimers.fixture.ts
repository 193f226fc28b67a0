import type { Timers } from './timers';

interface Scheduled {
  readonly id: number;
  readonly ms: number;
  readonly callback: () => void;
}

/** Timers that fire only when a test says so, so backoff and polling tests never sleep. */
export class ManualTimers implements Timers {
  private nextId = 1;
  private readonly scheduled = new Map<number, Scheduled>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.scheduled.set(id, { id, ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.scheduled.delete(handle as number);
  }

  /** The delays of the timers still waiting, oldest first. */
  delays(): number[] {
    return [...this.scheduled.values()].map((timer) => timer.ms);
  }

  get size(): number {
    return this.scheduled.size;
  }

  /** Fires the oldest waiting timer (optionally the oldest with this delay); returns its delay. */
  fire(ms?: number): number {
    const timer = [...this.scheduled.values()].find((t) => ms === undefined || t.ms === ms);
    if (!timer) throw new Error(`no timer waiting${ms === undefined ? '' : ` with ${ms} ms`}; waiting: ${JSON.stringify(this.delays())}`);
    this.scheduled.delete(timer.id);
    timer.callback();
    return timer.ms;
  }
}
