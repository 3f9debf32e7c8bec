/**
 * Controller faults the end-to-end tier (test/e2e) found, each kept here as a unit case.
 *
 * 1. A quiet cluster read as stale data. The Kubernetes view's age is the time of the last watch
 *    event or list; with nothing changing, only the watch's quiet-limit relist (60 s, a constant
 *    until then) refreshed it. With `staleAfterSeconds` below that limit (the e2e tier's
 *    compressed 15 s) the controller held on `stale-data` through every calm stretch of the day,
 *    which made a scale-in take minutes longer. The limit is now `watchQuietLimitSeconds`, and a
 *    configuration whose stale limit does not exceed it is refused at start.
 */
import { ControllerConfigError, parseControllerConfig } from '../../controller/load-config';
import { ListWatchCache, type ListWatchSource } from '../../controller/list-watch';
import { controllerConfigFromSpec } from '../../controller/config';
import { exampleSpec } from '../util/specs';

const base = JSON.parse(JSON.stringify(controllerConfigFromSpec(exampleSpec('prod')))) as Record<
  string,
  unknown
>;

describe('stale limit against the watch quiet limit', () => {
  test('the spec-built configuration keeps its stale limit above the default quiet limit', () => {
    expect(() => parseControllerConfig(base)).not.toThrow();
  });

  test('throws when staleAfterSeconds does not exceed the default quiet limit of 60 s', () => {
    const bad = { ...base, staleAfterSeconds: 15 };
    expect(() => parseControllerConfig(bad)).toThrow(ControllerConfigError);
    expect(() => parseControllerConfig(bad)).toThrow(
      /staleAfterSeconds: 15 must exceed watchQuietLimitSeconds \(60\).*lower watchQuietLimitSeconds/,
    );
  });

  test('accepts a short stale limit with a shorter quiet limit', () => {
    const config = parseControllerConfig({
      ...base,
      staleAfterSeconds: 15,
      watchQuietLimitSeconds: 5,
      operationPhaseTimeoutSeconds: 120,
    });
    expect(config.watchQuietLimitSeconds).toBe(5);
  });

  test('a quiet watch is relisted after the quiet limit, which refreshes the view age', async () => {
    let nowMs = 0;
    let lists = 0;
    const source: ListWatchSource<{ metadata: { name: string } }> = {
      list: async () => {
        lists++;
        return { items: [{ metadata: { name: 'n' } }], resourceVersion: String(lists) };
      },
      // A healthy watch that never delivers an event.
      watch: async () => ({ abort: () => undefined }),
    };
    const cache = new ListWatchCache(source, { quietLimitMs: 5_000, clock: () => nowMs });
    cache.start();
    await new Promise(resolve => setTimeout(resolve, 10));
    expect(cache.syncedAtMs).toBe(0);
    nowMs = 6_000;
    await new Promise(resolve => setTimeout(resolve, 1_400));
    cache.stop();
    expect(lists).toBeGreaterThanOrEqual(2);
    expect(cache.syncedAtMs).toBe(6_000);
  });
});
