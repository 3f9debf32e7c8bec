import { ClusterModel } from '../../../simulator/cluster';
import { DEFAULT_TIMINGS } from '../../../simulator/facts';
import { runReachableOracle } from '../../../simulator/strategies/reachable-oracle';
import { runSerialOracle } from '../../../simulator/strategies/serial-oracle';
import { flat, series, tinyFacts } from '../helpers';

/** Runs the model with scripted actions at given seconds (before that tick's step). */
function scripted(
  facts: ReturnType<typeof tinyFacts>,
  values: number[],
  initial: number,
  actions: Record<number, (cluster: ClusterModel) => void>,
) {
  const cluster = new ClusterModel(facts, DEFAULT_TIMINGS, series(values), initial);
  const ticks = (values.length * 60) / DEFAULT_TIMINGS.tickSeconds;
  for (let tick = 0; tick < ticks; tick++) {
    actions[tick * DEFAULT_TIMINGS.tickSeconds]?.(cluster);
    cluster.step();
  }
  return cluster;
}

describe('the oracles against a hand schedule in the cluster model', () => {
  it('are no costlier than a one-move-at-a-time schedule that keeps every node within target', () => {
    // The model moves a broker's load onto its Ready target the moment it is rolled: a node
    // launched 2 minutes before the rise, its broker rolled at the rise, and emptied at the fall,
    // bills 30 + 13 min 10 s; the oracles once billed a layout from the end of its move (44).
    const facts = tinyFacts();
    const values = [...flat(50, 10), ...flat(100, 10), ...flat(50, 10)];
    const cluster = scripted(facts, values, 1, {
      480: model => model.setDesired(0, 2),
      600: model => model.requestRoll(model.brokers[1].podName),
      1200: model => {
        const added = model.nodes[1].name;
        model.cordon(added, true);
        for (const broker of model.brokersOn(added)) model.requestRoll(broker.podName);
      },
      1210: model => model.terminate(model.nodes[1].name, true),
    });
    expect(cluster.books.overTargetNodeSeconds).toBe(0);
    expect(cluster.books.maxConcurrentMoves).toBe(1);
    const bound = runSerialOracle(facts, DEFAULT_TIMINGS, series(values));
    expect(cluster.books.nodeSeconds).toBe((30 + 13) * 60 + 10);
    expect(bound.books.nodeSeconds).toBeLessThanOrEqual(cluster.books.nodeSeconds);
    const reachable = runReachableOracle(facts, DEFAULT_TIMINGS, series(values));
    expect(reachable.books.nodeSeconds).toBeLessThanOrEqual(cluster.books.nodeSeconds);
  });
});
