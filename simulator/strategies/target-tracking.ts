/**
 * `target-tracking`: the baseline recipe, modelled the way AWS and EKS behave.
 *
 * - One EC2 target-tracking policy per zone's Auto Scaling group on the group's average network
 *   traffic per instance, target = the spec's target utilization of the baseline. The proposed
 *   capacity is the traffic of the instances in the metric divided by the target. Its alarms see
 *   1-minute datapoints after the metrics lag: scale out after `scaleOutDatapoints` consecutive
 *   datapoints above the target, scale in after `scaleInDatapoints` consecutive datapoints below
 *   `scaleInThresholdShare` of it. Instances
 *   in warm-up count as capacity but not in the metric, and block scale-in.
 * - On scale-in the group picks the victim with its default termination policy (the instance
 *   closest to its next billing hour, then by name); it never asks Kafka.
 * - The managed nodegroup's lifecycle hook cordons and drains the victim: each eviction is turned
 *   by the Drain Cleaner into a Strimzi roll (Strimzi rolls one broker at a time). After
 *   `drainTimeoutSeconds` the instance is terminated anyway, brokers still on it included.
 * - The descheduler runs every `descheduler.intervalSeconds` and evicts at most one broker per
 *   cycle from a zone whose hostname spread is skewed by more than one.
 *
 * Node counts that do not divide the brokers per zone happen here, as they do in reality.
 */
import type { ClusterModel, SimNode } from '../cluster';
import type { DynamicStrategy } from './strategy';

interface Datapoint {
  /** Average network load per instance in the metric, MiB/s; NaN when no instance reported. */
  readonly average: number;
  /** Instances in the metric. */
  readonly instances: number;
}

/** Knobs of the target-tracking strategies. */
export interface TargetTrackingOptions {
  /** Share of the baseline the policy tracks. @default the spec's target utilization */
  readonly targetUtilization?: number;
}

export class TargetTrackingStrategy implements DynamicStrategy {
  private readonly startMs: number;
  /** Per zone, per finished minute. */
  private readonly datapoints: Datapoint[][];
  /** Per zone: sum of per-tick averages and ticks with data, in the current minute. */
  private readonly minuteSums: { sum: number; instances: number; ticks: number }[];
  private readonly drainStartedAtMs = new Map<string, number>();
  private nextDeschedulerMs: number;
  protected readonly counts: Record<string, number> = {};
  private readonly targetUtilization: number;

  constructor(
    protected readonly cluster: ClusterModel,
    options: TargetTrackingOptions = {},
  ) {
    this.targetUtilization = options.targetUtilization ?? cluster.facts.targetUtilization;
    this.startMs = cluster.nowMs;
    this.datapoints = cluster.facts.zones.map(() => []);
    this.minuteSums = cluster.facts.zones.map(() => ({ sum: 0, instances: 0, ticks: 0 }));
    this.nextDeschedulerMs = cluster.nowMs + cluster.facts.deschedulerIntervalSeconds * 1000;
  }

  reasons(): Readonly<Record<string, number>> {
    return this.counts;
  }

  protected count(key: string): void {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
  }

  protected targetMiBps(): number {
    return this.cluster.facts.nodeBaselineMiBps * this.targetUtilization;
  }

  /** Lowest capacity scale-in may leave in a zone (predictive scaling raises it). */
  protected capacityFloor(_zoneIndex: number): number {
    return 0;
  }

  private warmingUp(node: SimNode): boolean {
    return this.cluster.nowMs - node.readyAtMs < this.cluster.timings.instanceWarmupSeconds * 1000;
  }

  /**
   * Instances whose traffic the group metric averages: every running instance of the group that
   * has finished its warm-up, including one held by the lifecycle hook while it drains (it still
   * runs, carries brokers and reports).
   */
  private metricNodes(zoneIndex: number): SimNode[] {
    return this.cluster
      .zoneNodes(zoneIndex)
      .filter(node => node.state === 'InService' && !this.warmingUp(node));
  }

  act(cluster: ClusterModel): void {
    const elapsedMs = cluster.nowMs - this.startMs;
    if (elapsedMs > 0 && elapsedMs % 60_000 === 0) {
      this.closeMinute();
      this.evaluateAlarms();
    }
    this.sample();
    this.drain();
    if (cluster.nowMs >= this.nextDeschedulerMs) {
      this.nextDeschedulerMs += cluster.facts.deschedulerIntervalSeconds * 1000;
      this.deschedule();
    }
  }

  private sample(): void {
    const perBroker = this.cluster.brokerLoadNow();
    this.cluster.facts.zones.forEach((_, zoneIndex) => {
      const nodes = this.metricNodes(zoneIndex);
      if (nodes.length === 0) return;
      let total = 0;
      for (const node of nodes) total += this.cluster.brokersOn(node.name).length * perBroker;
      const sums = this.minuteSums[zoneIndex];
      sums.sum += total / nodes.length;
      sums.instances += nodes.length;
      sums.ticks++;
    });
  }

  private closeMinute(): void {
    this.minuteSums.forEach((sums, zoneIndex) => {
      this.datapoints[zoneIndex].push(
        sums.ticks === 0
          ? { average: Number.NaN, instances: 0 }
          : { average: sums.sum / sums.ticks, instances: sums.instances / sums.ticks },
      );
      sums.sum = 0;
      sums.instances = 0;
      sums.ticks = 0;
    });
  }

  /** The last `count` datapoints visible through the metrics lag, oldest first. */
  private visible(zoneIndex: number, count: number): Datapoint[] | undefined {
    const lagMinutes = Math.ceil(this.cluster.timings.metricsLagSeconds / 60);
    const all = this.datapoints[zoneIndex];
    const end = all.length - lagMinutes;
    if (end < count) return undefined;
    return all.slice(end - count, end);
  }

  private evaluateAlarms(): void {
    const { cluster } = this;
    const { timings } = cluster;
    const target = this.targetMiBps();
    cluster.groups.forEach((group, zoneIndex) => {
      const high = this.visible(zoneIndex, timings.scaleOutDatapoints);
      if (high !== undefined && high.every(point => point.average > target)) {
        const latest = high[high.length - 1];
        const wanted = Math.min(group.max, Math.ceil((latest.average * latest.instances) / target));
        if (wanted > group.desired) {
          cluster.setDesired(zoneIndex, wanted);
          cluster.books.scalingActions++;
          this.count('scale-out');
        }
        return;
      }
      const low = this.visible(zoneIndex, timings.scaleInDatapoints);
      const threshold = target * timings.scaleInThresholdShare;
      if (low === undefined || !low.every(point => point.average < threshold)) return;
      const zoneNodes = cluster.zoneNodes(zoneIndex);
      if (zoneNodes.some(node => node.state === 'InService' && this.warmingUp(node))) {
        this.count('scale-in-blocked-by-warm-up');
        return;
      }
      const latest = low[low.length - 1];
      const wanted = Math.max(
        group.min,
        this.capacityFloor(zoneIndex),
        Math.ceil((latest.average * latest.instances) / target),
      );
      if (wanted >= group.desired) return;
      const victims = this.chooseVictims(zoneIndex, group.desired - wanted);
      group.desired = wanted;
      cluster.books.scalingActions++;
      this.count('scale-in');
      for (const victim of victims) {
        victim.leaving = true;
        victim.cordoned = true;
        this.drainStartedAtMs.set(victim.name, cluster.nowMs);
      }
    });
  }

  /** The default termination policy within one zone: closest to the next billing hour first. */
  private chooseVictims(zoneIndex: number, count: number): SimNode[] {
    const nowMs = this.cluster.nowMs;
    const toNextHour = (node: SimNode): number =>
      3_600_000 - ((nowMs - node.launchedAtMs) % 3_600_000);
    return this.cluster
      .zoneNodes(zoneIndex)
      .filter(node => node.state === 'InService' && !node.leaving)
      .sort((a, b) => toNextHour(a) - toNextHour(b) || a.name.localeCompare(b.name))
      .slice(0, count);
  }

  /** The managed nodegroup drain through the Drain Cleaner, with its timeout. */
  private drain(): void {
    const { cluster } = this;
    for (const [nodeName, startedAtMs] of [...this.drainStartedAtMs]) {
      const onNode = cluster.brokersOn(nodeName);
      if (onNode.length === 0) {
        cluster.terminate(nodeName, false);
        this.drainStartedAtMs.delete(nodeName);
        this.count('drained');
        continue;
      }
      if (cluster.nowMs - startedAtMs >= cluster.timings.drainTimeoutSeconds * 1000) {
        cluster.terminate(nodeName, false);
        this.drainStartedAtMs.delete(nodeName);
        this.count('drain-timed-out');
        continue;
      }
      for (const broker of onNode) {
        if (broker.phase === 'running' && !broker.rollRequested)
          cluster.requestRoll(broker.podName);
      }
    }
  }

  /** One descheduler cycle: at most one eviction, from a zone whose spread is skewed past 1. */
  private deschedule(): void {
    const { cluster } = this;
    for (let zoneIndex = 0; zoneIndex < cluster.facts.zones.length; zoneIndex++) {
      const domains = cluster
        .zoneNodes(zoneIndex)
        .filter(node => node.ready && !node.cordoned && !node.leaving)
        .map(node => ({ node, brokers: cluster.brokersOn(node.name) }));
      if (domains.length < 2) continue;
      const fewest = Math.min(...domains.map(domain => domain.brokers.length));
      const busiest = [...domains].sort(
        (a, b) => b.brokers.length - a.brokers.length || a.node.name.localeCompare(b.node.name),
      )[0];
      if (busiest.brokers.length - fewest <= 1) continue;
      const evictable = busiest.brokers.find(
        broker => broker.phase === 'running' && !broker.rollRequested,
      );
      if (evictable === undefined) continue;
      cluster.requestRoll(evictable.podName);
      this.count('descheduler-eviction');
      return;
    }
  }
}
