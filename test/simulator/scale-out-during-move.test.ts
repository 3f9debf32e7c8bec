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

  /** Runs the ramp; `onPass` sees, for every pass, whether it raised a group, what it returned and whether a move was in flight. */
  function run(
    dryRun: boolean,
    onPass?: (raised: boolean, returned: boolean, moving: boolean) => void,
  ): { cluster: ClusterModel; strategy: ControllerStrategy; raises: number } {
    const context = strategyContext(loadSpecFile('stacks/prod.yaml'), ramp());
    const { facts, timings, config, demand, initialLevel } = context;
    const cluster = new ClusterModel(facts, timings, demand, initialLevel);
    const strategy = new ControllerStrategy(cluster, { ...config, dryRun });
    const pass = strategy.pass.bind(strategy);
    let raises = 0;
    strategy.pass = () => {
      const before = cluster.groups.map(group => group.desired);
      const moving = cluster.nodes.some(node => node.cordoned);
      const returned = pass();
      const raised = cluster.groups.filter((group, index) => group.desired > before[index]).length;
      raises += raised;
      onPass?.(raised > 0, returned, moving);
      return returned;
    };
    const ticks = Math.round((demand.producerMiBps.length * 60) / timings.tickSeconds);
    for (let tick = 0; tick < ticks; tick++) {
      strategy.act(cluster);
      cluster.step();
    }
    return { cluster, strategy, raises };
  }

  test('a pass that raised a group reports it acted (the next pass comes soon), moving or not', () => {
    let raisedWhileMoving = 0;
    const { cluster, strategy, raises } = run(false, (raised, returned, moving) => {
      if (raised) expect(returned).toBe(true);
      if (raised && moving) raisedWhileMoving++;
    });
    expect(raisedWhileMoving).toBeGreaterThan(0);
    // One scaling action per raise (the ramp only climbs: nothing is terminated).
    expect(cluster.books.scalingActions).toBe(raises);
    expect(raises).toBeGreaterThanOrEqual(3);
    // decide's scale-outs always pass the reconciler's gate on the same observation.
    expect(Object.keys(strategy.reasons()).filter(key => key.startsWith('gate:'))).toEqual([]);
  });

  test('dry run: decide asks for scale-outs, but no group is raised and nothing moves', () => {
    const { cluster, strategy, raises } = run(true, (raised, returned) => {
      expect(raised).toBe(false);
      expect(returned).toBe(false);
    });
    expect(raises).toBe(0);
    expect(strategy.reasons()['decide:scale-out']).toBeGreaterThan(0);
    expect(cluster.books.scalingActions).toBe(0);
    expect(cluster.books.brokerMoves).toBe(0);
  });
});
