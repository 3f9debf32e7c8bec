import { ListWatchCache, type ListWatchSource, type WatchEvent } from '../../controller/list-watch';

interface Item {
  readonly metadata: { readonly name: string; readonly resourceVersion: string };
}

const item = (name: string, resourceVersion = '1'): Item => ({
  metadata: { name, resourceVersion },
});

type WatchScript = 'silent' | { fail: unknown } | { events: WatchEvent<Item>[]; then?: unknown };

class ScriptedSource implements ListWatchSource<Item> {
  truth: Item[] = [item('a')];
  listFaults: unknown[] = [];
  watchScripts: WatchScript[] = [];
  watches = 0;
  async list() {
    const fault = this.listFaults.shift();
    if (fault !== undefined) throw fault;
    return { items: [...this.truth], resourceVersion: '10' };
  }
  async watch(
    _rv: string | undefined,
    onEvent: (event: WatchEvent<Item>) => void,
    onDone: (error: unknown) => void,
  ) {
    this.watches++;
    const script = this.watchScripts.shift() ?? 'silent';
    setTimeout(() => {
      if (script === 'silent') return;
      if ('fail' in script) return onDone(script.fail);
      for (const event of script.events) onEvent(event);
      if (script.then !== undefined) onDone(script.then);
    }, 1);
    return { abort: () => undefined };
  }
}

const apiError = (code: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${code}`), { code, headers });

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 2));
  }
}

function cache(source: ScriptedSource, delays: number[] = [], errors: unknown[] = []) {
  return new ListWatchCache(source, {
    backoffBaseMs: 10,
    backoffMaxMs: 40,
    quietLimitMs: 60_000,
    relistIntervalMs: 60_000,
    delay: async ms => {
      delays.push(ms);
    },
    onError: error => errors.push(error),
  });
}

describe('ListWatchCache', () => {
  let running: ListWatchCache<Item> | undefined;
  afterEach(() => running?.stop());

  test('stop ends an open, silent watch at once (its watchdog timer does not outlive it)', async () => {
    const source = new ScriptedSource();
    source.watchScripts = ['silent'];
    running = cache(source);
    running.start();
    await until(() => source.watches === 1);
    const clearInterval = jest.spyOn(global, 'clearInterval');
    try {
      running.stop();
      expect(clearInterval).toHaveBeenCalledTimes(1);
    } finally {
      clearInterval.mockRestore();
    }
  });

  test('applies watch events after the first list', async () => {
    const source = new ScriptedSource();
    source.watchScripts = [
      {
        events: [
          { type: 'ADDED', object: item('b', '11') },
          { type: 'DELETED', object: item('a', '12') },
        ],
      },
    ];
    running = cache(source);
    running.start();
    await until(
      () =>
        running
          ?.snapshot()
          .map(i => i.metadata.name)
          .join() === 'b',
    );
  });

  test('relists after 410 Gone and sees objects created meanwhile', async () => {
    const source = new ScriptedSource();
    source.watchScripts = [{ fail: apiError(410) }];
    const list = source.list.bind(source);
    source.list = async () => {
      const result = await list();
      source.truth = [item('a'), item('created-during-outage')];
      return result;
    };
    running = cache(source);
    running.start();
    await until(() => (running?.lists ?? 0) >= 2);
    expect(running.snapshot().map(i => i.metadata.name)).toEqual(['a', 'created-during-outage']);
  });

  test('relists after a 410 Status inside the watch stream', async () => {
    const source = new ScriptedSource();
    source.watchScripts = [
      { events: [{ type: 'ERROR', object: { code: 410 } as unknown as Item }] },
    ];
    running = cache(source);
    running.start();
    await until(() => (running?.lists ?? 0) >= 2);
  });

  test('waits for Retry-After on 429 before listing again', async () => {
    const source = new ScriptedSource();
    source.listFaults = [apiError(429, { 'Retry-After': '7' })];
    const delays: number[] = [];
    running = cache(source, delays);
    running.start();
    await until(() => running?.lists === 1);
    expect(delays).toEqual([7000]);
  });

  test('backs off on 500 and keeps going instead of stopping', async () => {
    const source = new ScriptedSource();
    source.listFaults = [apiError(500), apiError(500), apiError(500)];
    const delays: number[] = [];
    const errors: unknown[] = [];
    running = cache(source, delays, errors);
    running.start();
    await until(() => running?.lists === 1);
    expect(errors).toHaveLength(3);
    expect(delays).toHaveLength(3);
    expect(delays[2]).toBeGreaterThanOrEqual(delays[0]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(40);
  });

  test('restarts after a dropped connection (non-HTTP error)', async () => {
    const source = new ScriptedSource();
    source.watchScripts = [{ fail: new Error('ECONNRESET') }];
    running = cache(source);
    running.start();
    await until(() => (running?.lists ?? 0) >= 2 && source.watches >= 2);
  });

  test('rebuilds a silent watch and stays fresh', async () => {
    const source = new ScriptedSource();
    running = new ListWatchCache(source, { quietLimitMs: 20, relistIntervalMs: 60_000 });
    running.start();
    await until(() => running?.lists === 1);
    const firstSync = running.syncedAtMs ?? 0;
    source.truth = [item('a'), item('late')];
    await until(() => (running?.lists ?? 0) >= 3);
    expect(running.syncedAtMs ?? 0).toBeGreaterThan(firstSync);
    expect(running.snapshot()).toHaveLength(2);
  });
});
