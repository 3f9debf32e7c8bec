/**
 * Review s35-a: data-shape faults in the peers' answers (docs/controller.md, "Review s35-a").
 * The adapter-level tests of fault 1 live in test/controller/adapters/prometheus-clock.test.ts.
 */
import fc from 'fast-check';
import { staleDataBlocker } from '../../controller/safety';
import type { Freshness } from '../../controller/model';
import { healthyCluster, testConfig } from './fixtures';

const config = testConfig();

describe('review s35-a, fault 2: a freshness time that is not a finite number', () => {
  test('property: NaN or an infinite time from any source holds with stale-data, naming the source', () => {
    const base = healthyCluster(config);
    expect(staleDataBlocker(base, config)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.constantFrom<keyof Freshness>('kubernetesAtMs', 'prometheusAtMs', 'autoscalingAtMs'),
        fc.constantFrom(NaN, Infinity, -Infinity),
        (source, atMs) => {
          const observed = { ...base, freshness: { ...base.freshness, [source]: atMs } };
          const blocker = staleDataBlocker(observed, config);
          expect(blocker?.reason).toBe('stale-data');
          expect(blocker?.detail).toContain(source.replace('AtMs', ''));
        },
      ),
    );
  });
});
