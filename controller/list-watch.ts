/**
 * A list-then-watch cache of one kind of Kubernetes object, with the list and watch calls
 * injected. It relists after 410 Gone, honours Retry-After on 429, backs off on other errors and
 * restarts (never stops for good), and rebuilds a watch that stays silent or that has run for the
 * periodic relist interval. `syncedAtMs` tells the readiness probe how fresh the view is.
 */
import { apiFaultOf, backoffMs } from './api-fault';

/** The metadata the cache uses. */
export interface ObjectMeta {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
}

/** One watch event. */
export interface WatchEvent<T> {
  readonly type: string;
  readonly object: T;
}

/** The list and watch calls, injected. */
export interface ListWatchSource<T> {
  list(): Promise<{ readonly items: readonly T[]; readonly resourceVersion: string | undefined }>;
  /** Starts a watch; calls `onDone` once when it ends (with the error, if any). */
  watch(
    resourceVersion: string | undefined,
    onEvent: (event: WatchEvent<T>) => void,
    onDone: (error: unknown) => void,
  ): Promise<{ abort(): void }>;
}

/** Timing of the cache. */
export interface ListWatchOptions {
  /** First backoff after an error. @default 1000 */
  readonly backoffBaseMs?: number;
  /** Longest backoff. @default 30000 */
  readonly backoffMaxMs?: number;
  /** A watch with no event for this long is rebuilt by a relist. @default 60000 */
  readonly quietLimitMs?: number;
  /** Relist at least this often even when the watch is healthy. @default 300000 */
  readonly relistIntervalMs?: number;
  readonly clock?: () => number;
  readonly delay?: (ms: number) => Promise<void>;
  /** Called after every change to the cache (relist or event). */
  readonly onChange?: () => void;
  /** Called with every error the loop recovers from. */
  readonly onError?: (error: unknown) => void;
}

class WatchRebuild extends Error {}

function keyOf(object: ObjectMeta): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

const realDelay = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/** The cache. Call `start()` once and `stop()` on shutdown. */
export class ListWatchCache<T extends ObjectMeta> {
  private readonly items = new Map<string, T>();
  private resourceVersion: string | undefined;
  private stopped = false;
  private failures = 0;
  private lastListAtMs = 0;
  private lastEventAtMs = 0;
  private current: { abort(): void } | undefined;
  /** Ends the watch in progress (used by `stop`). */
  private finishWatch: ((error: unknown) => void) | undefined;
  /** Epoch ms of the last successful list or event; undefined before the first list. */
  syncedAtMs: number | undefined;
  /** Number of lists done (tests and metrics). */
  lists = 0;

  constructor(
    private readonly source: ListWatchSource<T>,
    private readonly options: ListWatchOptions = {},
  ) {}

  private get clock(): () => number {
    return this.options.clock ?? Date.now;
  }

  /** The cached objects. */
  snapshot(): T[] {
    return [...this.items.values()];
  }

  /** Starts the loop in the background. */
  start(): void {
    void this.run();
  }

  /** Stops the loop and the current watch. */
  stop(): void {
    this.stopped = true;
    this.current?.abort();
    // Settle the watch in progress too, so its watchdog timer ends now, not at the quiet limit.
    this.finishWatch?.(undefined);
  }

  private async relist(): Promise<void> {
    const result = await this.source.list();
    this.items.clear();
    for (const item of result.items) this.items.set(keyOf(item), item);
    this.resourceVersion = result.resourceVersion;
    this.lists++;
    this.lastListAtMs = this.clock();
    this.lastEventAtMs = this.lastListAtMs;
    this.syncedAtMs = this.lastListAtMs;
    this.options.onChange?.();
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      throw Object.assign(new Error('watch error event'), apiFaultOf(event.object));
    }
    this.lastEventAtMs = this.clock();
    this.syncedAtMs = this.lastEventAtMs;
    const version = event.object.metadata?.resourceVersion;
    if (version !== undefined) this.resourceVersion = version;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') this.items.delete(keyOf(event.object));
    else this.items.set(keyOf(event.object), event.object);
    this.options.onChange?.();
  }

  private async watchOnce(): Promise<void> {
    const quietLimitMs = this.options.quietLimitMs ?? 60_000;
    const relistIntervalMs = this.options.relistIntervalMs ?? 300_000;
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error: unknown) => {
        if (settled) return;
        settled = true;
        this.finishWatch = undefined;
        clearInterval(watchdog);
        this.current?.abort();
        this.current = undefined;
        if (error === undefined || error === null) resolve();
        else reject(error);
      };
      const watchdog = setInterval(
        () => {
          const now = this.clock();
          if (now - this.lastEventAtMs > quietLimitMs) finish(new WatchRebuild('watch silent'));
          else if (now - this.lastListAtMs > relistIntervalMs)
            finish(new WatchRebuild('periodic relist'));
        },
        Math.max(1, Math.min(quietLimitMs, relistIntervalMs) / 4),
      );
      this.finishWatch = finish;
      this.source
        .watch(
          this.resourceVersion,
          event => {
            try {
              this.apply(event);
            } catch (error) {
              finish(error);
            }
          },
          error => finish(error),
        )
        .then(
          handle => {
            if (settled) handle.abort();
            else this.current = handle;
          },
          error => finish(error),
        );
    });
  }

  private async run(): Promise<void> {
    const delay = this.options.delay ?? realDelay;
    let mustList = true;
    while (!this.stopped) {
      try {
        if (mustList) await this.relist();
        mustList = false;
        await this.watchOnce();
        this.failures = 0; // a watch that ended normally resumes from the last resourceVersion
      } catch (error) {
        if (this.stopped) return;
        mustList = true;
        if (error instanceof WatchRebuild) continue;
        this.options.onError?.(error);
        const fault = apiFaultOf(error);
        if (fault.status === 410) {
          this.resourceVersion = undefined;
          continue;
        }
        this.failures++;
        const waitMs =
          fault.retryAfterSeconds !== undefined
            ? fault.retryAfterSeconds * 1000
            : backoffMs(
                this.failures,
                this.options.backoffBaseMs ?? 1000,
                this.options.backoffMaxMs ?? 30_000,
              );
        await delay(waitMs);
      }
    }
  }
}
