import { ClusterModel } from '../../simulator/cluster';
import { flat, series, START_MS, timings, tinyFacts } from './helpers';

/** Steps until `done` holds; returns the seconds it took. */
function secondsUntil(cluster: ClusterModel, done: () => boolean, limit = 7200): number {
  const start = cluster.nowMs;
  while (!done()) {
    cluster.step();
    if (cluster.nowMs - start > limit * 1000) throw new Error('did not finish');
  }
  return (cluster.nowMs - start) / 1000;
}

/** One broker per zone on the first of two nodes, replica ingress r = producer MiB/s. */
function loneBroker(producerMiBps: number): ClusterModel {
  const facts = tinyFacts({ brokersPerZone: 1 });
  const cluster = new ClusterModel(facts, timings(), series(flat(producerMiBps, 600)), 1);
  cluster.setDesired(0, 2);
  secondsUntil(cluster, () => cluster.nodes.every(node => node.ready));
  return cluster;
}

describe('cluster model: broker moves', () => {
  it.each([10, 25, 50, 75])(
    'a move at r = %d MiB/s on a 100 MiB/s node takes restart + downtime x r / (B - r)',
    r => {
      // GIVEN a broker alone on its node and an empty second node
      const cluster = loneBroker(r);
      const broker = cluster.brokers[0];
      const from = broker.nodeName!;
      // WHEN its node is cordoned and the broker rolled
      cluster.cordon(from, true);
      cluster.requestRoll(broker.podName);
      const seconds = secondsUntil(
        cluster,
        () => broker.phase === 'running' && broker.nodeName !== from,
      );
      // THEN it took 60 s of restart plus 60 r / (100 - r), rounded up to the 10 s tick
      const expected = 60 + (60 * r) / (100 - r);
      expect(seconds).toBeGreaterThanOrEqual(expected - 1e-6);
      expect(seconds).toBeLessThan(expected + 10);
      expect(cluster.books.brokerMoves).toBe(1);
      expect(cluster.books.underReplicatedSeconds).toBeCloseTo(seconds, 6);
    },
  );

  it('never finishes catching up while the node has no baseline to spare', () => {
    // GIVEN r = 100 MiB/s on a 100 MiB/s node
    const cluster = loneBroker(100);
    const broker = cluster.brokers[0];
    cluster.cordon(broker.nodeName!, true);
    cluster.requestRoll(broker.podName);
    // WHEN an hour passes
    for (let i = 0; i < 360; i++) cluster.step();
    // THEN the broker still catches up and its partitions stay under-replicated
    expect(broker.phase).toBe('catching-up');
    expect(cluster.underReplicatedNow()).toBeGreaterThan(0);
  });

  it('Strimzi rolls one broker at a time, the next only once the first has caught up', () => {
    // GIVEN two brokers on two nodes, both asked to roll at once
    const facts = tinyFacts({ brokersPerZone: 2 });
    const cluster = new ClusterModel(facts, timings(), series(flat(50, 600)), 2);
    for (const broker of cluster.brokers) cluster.requestRoll(broker.podName);
    // WHEN time passes until both are done
    const seconds = secondsUntil(
      cluster,
      () => cluster.books.brokerMoves === 2 && cluster.brokers.every(b => b.phase === 'running'),
    );
    // THEN they never overlapped and the second waited for the first
    expect(cluster.books.maxConcurrentMoves).toBe(1);
    expect(seconds).toBeGreaterThanOrEqual(2 * 60);
  });

  it('a killed node takes its brokers down at once, with a forced volume detach', () => {
    // GIVEN two brokers on one node and a second Ready node
    const facts = tinyFacts({ brokersPerZone: 2 });
    const cluster = new ClusterModel(facts, timings(), series(flat(20, 600)), 1);
    cluster.setDesired(0, 2);
    secondsUntil(cluster, () => cluster.nodes.every(node => node.ready));
    const victim = cluster.brokers[0].nodeName!;
    // WHEN the node is terminated with both brokers on it
    cluster.terminate(victim, false);
    const seconds = secondsUntil(cluster, () => cluster.brokers.every(b => b.phase === 'running'));
    // THEN both moved together, each down for restart + forced detach (60 + 360 s)
    expect(cluster.books.maxConcurrentMoves).toBe(2);
    expect(cluster.books.brokerMoves).toBe(2);
    expect(seconds).toBeGreaterThanOrEqual(420);
  });
});

describe('cluster model: nodes, metrics lag and books', () => {
  it('a launched node is billed at once and Ready after the launch-to-Ready delay', () => {
    const cluster = new ClusterModel(
      tinyFacts(),
      timings({ nodeReadySeconds: 120 }),
      series(flat(10, 60)),
      1,
    );
    cluster.setDesired(0, 2);
    const fresh = cluster.nodes.find(node => !node.ready)!;
    const seconds = secondsUntil(cluster, () => fresh.ready);
    expect(seconds).toBe(120);
    expect(cluster.books.nodeSeconds).toBe(2 * 120);
  });

  it('metrics lag: the observed load and under-replication trail reality by the lag', () => {
    // GIVEN demand 10 for 5 minutes, then 90
    const demand = series([...flat(10, 5), ...flat(90, 10)]);
    const cluster = new ClusterModel(tinyFacts(), timings({ metricsLagSeconds: 60 }), demand, 2);
    // WHEN 5.5 minutes have passed
    for (let i = 0; i < 33; i++) cluster.step();
    expect(cluster.nowMs).toBe(START_MS + 330_000);
    // THEN the load is 45 per broker now but the metric still shows 5
    expect(cluster.brokerLoadNow()).toBe(45);
    expect(cluster.brokerLoadObserved()).toBe(5);
    for (let i = 0; i < 3; i++) cluster.step();
    expect(cluster.brokerLoadObserved()).toBe(45);

    // AND a move shows up in the under-replication metric only after the lag
    cluster.requestRoll(cluster.brokers[0].podName);
    cluster.step();
    expect(cluster.underReplicatedNow()).toBeGreaterThan(0);
    expect(cluster.underReplicatedObserved()).toBe(0);
    for (let i = 0; i < 6; i++) cluster.step();
    expect(cluster.underReplicatedObserved()).toBeGreaterThan(0);
  });

  it('counts node-minutes above the target and above the baseline', () => {
    // GIVEN two brokers on one node at r = 40 each: 80 MiB/s on a 100 MiB/s node (target 60%)
    const cluster = new ClusterModel(tinyFacts(), timings(), series(flat(80, 10)), 1);
    for (let i = 0; i < 60; i++) cluster.step();
    expect(cluster.books.overTargetNodeSeconds).toBe(600);
    expect(cluster.books.overloadedNodeSeconds).toBe(0);
    // AND at 120 MiB/s on the node it is overloaded as well
    const hot = new ClusterModel(tinyFacts(), timings(), series(flat(120, 10)), 1);
    for (let i = 0; i < 60; i++) hot.step();
    expect(hot.books.overloadedNodeSeconds).toBe(600);
  });
});
