/**
 * When the control loop runs its next pass, with the timers injected.
 *
 * - Every `intervalMs` when nothing happens.
 * - `soonMs` after a pass that acted (the next zone's scale-out, the next step of an operation).
 * - `soonMs` after a watch event (`wake()`), coalesced: any number of events lead to one pending
 *   pass. A wake only ever brings the pending pass forward, never postpones it, so a steady event
 *   stream cannot starve the loop; a wake during a pass is remembered and brings the next pass to
 *   `soonMs` after it. Passes never overlap, so at most one pass runs per `soonMs` under any load.
 */

/** Timers, injected (the real ones by default). */
export interface SchedulerTimers {
  readonly now: () => number;
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

const realTimers: SchedulerTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
};

export interface PassSchedulerOptions {
  /** Time between passes while nothing happens. */
  readonly intervalMs: number;
  /** Delay of the pass after an action or a watch event. @default 1000 */
  readonly soonMs?: number;
  /** One pass; resolves whether it acted. */
  readonly runPass: () => Promise<boolean>;
  /** Called when a pass throws; the loop goes on at the interval. */
  readonly onPassError?: (error: unknown) => void;
  readonly timers?: SchedulerTimers;
}

/** The pass loop. Call `start()` once, `wake()` on every watch event, `stop()` on shutdown. */
export class PassScheduler {
  private handle: unknown;
  private dueAtMs: number | undefined;
  private running = false;
  private wokenWhileRunning = false;
  private stopped = false;
  /** Passes run so far. */
  passes = 0;
  /** Wakes received so far. */
  wakes = 0;

  constructor(private readonly options: PassSchedulerOptions) {}

  private get timers(): SchedulerTimers {
    return this.options.timers ?? realTimers;
  }

  private get soonMs(): number {
    return this.options.soonMs ?? 1000;
  }

  /** When the pending pass is due, undefined while a pass runs or after `stop()`. */
  get nextPassAtMs(): number | undefined {
    return this.dueAtMs;
  }

  /** Whether a pass is running now. */
  get passRunning(): boolean {
    return this.running;
  }

  /** Schedules the first pass `soonMs` from now. */
  start(): void {
    this.schedule(this.soonMs);
  }

  /** A watch event: the next pass comes within `soonMs` (coalesced with any pending one). */
  wake(): void {
    this.wakes++;
    if (this.stopped) return;
    if (this.running) {
      this.wokenWhileRunning = true;
      return;
    }
    this.schedule(this.soonMs);
  }

  /** Cancels the pending pass; a running pass finishes and schedules nothing. */
  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.dueAtMs !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    this.dueAtMs = undefined;
  }

  /** Sets the pending pass to `delayMs` from now unless one is already due sooner. */
  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const dueAtMs = this.timers.now() + delayMs;
    if (this.dueAtMs !== undefined && this.dueAtMs <= dueAtMs) return;
    this.cancel();
    this.dueAtMs = dueAtMs;
    this.handle = this.timers.setTimeout(() => void this.fire(), delayMs);
  }

  private async fire(): Promise<void> {
    this.handle = undefined;
    this.dueAtMs = undefined;
    this.running = true;
    this.wokenWhileRunning = false;
    let acted = false;
    try {
      acted = await this.options.runPass();
    } catch (error) {
      this.options.onPassError?.(error);
    } finally {
      this.running = false;
      this.passes++;
    }
    this.schedule(acted || this.wokenWhileRunning ? this.soonMs : this.options.intervalMs);
  }
}
