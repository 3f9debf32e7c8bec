/**
 * The simulator's controller adapter runs the controller's follow-up passes within a tick, as the
 * pass scheduler does (controller/pass-scheduler.ts: the next pass `soonMs` = 1 s after a pass that
 * acted). Before, each step of an operation waited for the next 10 s tick, so every move carried
 * tens of seconds the real controller does not spend.
 */
import { loadSpecFile } from '../../spec/load';
import { ClusterModel } from '../../simulator/cluster';
import type { DemandSeries } from '../../simulator/demand';
import { strategyContext } from '../../simulator/simulate';
import { ControllerStrategy } from '../../simulator/strategies/controller';
import { START_MS } from './helpers';

/** Quiet, then a steady climb to 800 MiB/s in 12 minutes, a plateau, and back down. */
function load(): DemandSeries {
  const minutes: number[] = [];
  for (let i = 0; i < 30; i++) minutes.push(10);
  for (let i = 1; i <= 12; i++) minutes.push(10 + (790 * i) / 12);
  for (let i = 0; i < 40; i++) minutes.push(800);
  for (let i = 0; i < 60; i++) minutes.push(10);
  return { startMs: START_MS, producerMiBps: Float64Array.from(minutes), source: 'follow-up' };
}

describe('controller adapter: follow-up passes within a tick', () => {
  const context = strategyContext(loadSpecFile('stacks/prod.yaml'), load());
  const { facts, timings, config, demand, initialLevel } = context;
  const cluster = new ClusterModel(facts, timings, demand, initialLevel);
  const strategy = new ControllerStrategy(cluster, config);
  const records = (strategy as unknown as { records: Map<string, unknown> }).records;
  const pass = strategy.pass.bind(strategy);
  const perTick: boolean[][] = [];
  let tick = 0;
  strategy.pass = () => {
    const acted = pass();
    (perTick[tick] ??= []).push(acted);
    return acted;
  };
  let startedAndCordonedInOneTick = 0;
  let startedAndMovingInOneTick = 0;
  const ticks = Math.round((demand.producerMiBps.length * 60) / timings.tickSeconds);
  for (; tick < ticks; tick++) {
    const before = new Set(records.keys());
    strategy.act(cluster);
    for (const name of records.keys()) {
      if (!before.has(name) && cluster.nodes.find(node => node.name === name)?.cordoned === true) {
        startedAndCordonedInOneTick++;
        const record = records.get(name) as { move?: unknown } | undefined;
        if (record?.move !== undefined) startedAndMovingInOneTick++;
      }
    }
    cluster.step();
    expect(cluster.movingBrokers()).toBeLessThanOrEqual(1);
  }
  const limit = timings.tickSeconds; // one pass per second of the tick

  test('a pass that acted is followed by another in the same tick, up to one a second', () => {
    const ran = perTick.filter(passes => passes !== undefined);
    expect(ran.length).toBeGreaterThan(0);
    for (const passes of ran) {
      expect(passes.length).toBeLessThanOrEqual(limit);
      // Every pass but the last acted; the last is quiet unless the tick's passes ran out.
      expect(passes.slice(0, -1).every(acted => acted)).toBe(true);
      if (passes.length < limit) expect(passes[passes.length - 1]).toBe(false);
    }
    expect(ran.some(passes => passes.length > 1)).toBe(true);
  });

  test('an operation is started and its node cordoned in the same tick', () => {
    expect(startedAndCordonedInOneTick).toBeGreaterThan(0);
  });

  // The cordon step writes no record, only the cordon: a pass that performed an effect acted
  // (controller/reconciler.ts `apply` returns true after any write), so the drain step's roll
  // request follows one second later, not at the next interval.
  test('a pass that only cordoned is followed at once: the first move starts in the same tick', () => {
    expect(startedAndMovingInOneTick).toBeGreaterThan(0);
  });

  test('the load is carried and released: the levels go up and back down', () => {
    expect(cluster.groups.map(group => group.desired)).toEqual([1, 1, 1]);
  });
});
