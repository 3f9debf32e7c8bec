/**
 * The simulator's controller adapter raises a group while a move is in flight, as the reconciler
 * does (controller/reconciler.ts `act`: a scale-out moves nothing, so no operation holds it). Before,
 * the adapter only stepped the operation on such a pass, and the scale-out waited for the whole
 * move: on Twitter_volume_FB (2015-04-03 17:45) zone a's 2 -> 4 scale-out came almost 4 minutes
 * after `decide` first asked for it.
 */
import { loadSpecFile } from '../../spec/load';
import { ClusterModel } from '../../simulator/cluster';
import type { DemandSeries } from '../../simulator/demand';
import { strategyContext } from '../../simulator/simulate';
import { ControllerStrategy } from '../../simulator/strategies/controller';
import { START_MS } from './helpers';

/** Quiet, then a steady climb to 800 MiB/s in 12 minutes (past levels 1 and 2), then a plateau. */
function ramp(): DemandSeries {
  const minutes: number[] = [];
  for (let i = 0; i < 30; i++) minutes.push(10);
  for (let i = 1; i <= 12; i++) minutes.push(10 + (790 * i) / 12);
  for (let i = 0; i < 60; i++) minutes.push(800);
  return { startMs: START_MS, producerMiBps: Float64Array.from(minutes), source: 'ramp' };
}

describe('controller adapter: scale-out during a move', () => {
  test('a group is raised while a broker move is in flight, and moves stay one at a time', () => {
    const context = strategyContext(loadSpecFile('stacks/prod.yaml'), ramp());
    const { facts, timings, config, demand, initialLevel } = context;
    const cluster = new ClusterModel(facts, timings, demand, initialLevel);
    const strategy = new ControllerStrategy(cluster, config);
    let raisedDuringMove = 0;
    const ticks = Math.round((demand.producerMiBps.length * 60) / timings.tickSeconds);
    for (let tick = 0; tick < ticks; tick++) {
      const before = cluster.groups.map(group => group.desired);
      // A node cordoned by the controller = a respread's operation in flight.
      const moving = cluster.nodes.some(node => node.cordoned);
      strategy.act(cluster);
      if (moving && cluster.groups.some((group, index) => group.desired > before[index])) {
        raisedDuringMove++;
      }
      cluster.step();
      expect(cluster.movingBrokers()).toBeLessThanOrEqual(1);
    }
    expect(raisedDuringMove).toBeGreaterThan(0);
    expect(cluster.groups.map(group => group.desired)).toEqual([4, 4, 4]);
  });
});
