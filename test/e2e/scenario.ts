/**
 * What the scenarios wait for and assert, read from the recorder's latest view of the cluster.
 */
import type { WriteEvent } from '../controller/invariants';
import type { E2eRun } from './environment';
import { waitUntil } from './processes';

/** Demand per zone that one node per zone carries (the lowest level), MiB/s. */
export function lowDemandMiBps(run: E2eRun): number {
  const perNode =
    run.loaded.plan.nodeCapacity.baselineMiBps * run.loaded.spec.autoscaling.targetUtilization;
  return Math.round(perNode * 0.3);
}

/** Demand per zone that needs `level` nodes per zone (above the next lower level), MiB/s. */
export function demandForLevel(run: E2eRun, level: number): number {
  const { plan, spec } = run.loaded;
  const perNode = plan.nodeCapacity.baselineMiBps * spec.autoscaling.targetUtilization;
  const lower = [...plan.balancedNodeCounts].reverse().find(count => count < level) ?? 0;
  return Math.round(perNode * (lower + (level - lower) * 0.5));
}

/** A one-line summary of the cluster for messages. */
export function describeCluster(run: E2eRun): string {
  const { recorder } = run;
  return run.loaded.plan.zones
    .map(zone => {
      const nodes = recorder.nodes.filter(n => n.zone === zone.zone);
      const parts = nodes.map(node => {
        const brokers = recorder.pods.filter(p => p.nodeName === node.name && p.ready).length;
        const flags = `${node.ready ? '' : '!ready'}${node.unschedulable ? '!sched' : ''}${node.operation === undefined ? '' : `@${node.operation.phase}`}`;
        return `${brokers}${flags}`;
      });
      const pending = recorder.pods.filter(p => p.zone === zone.zone && !p.ready).length;
      return `${zone.zone}: [${parts.join(' ')}]${pending > 0 ? ` +${pending} not ready` : ''}`;
    })
    .join('; ');
}

/**
 * True when every zone runs `level` Ready, schedulable nodes, each with the same number of Ready
 * brokers (skew 0), no operation record is left on any node, and the groups agree.
 */
export function evenAt(run: E2eRun, level: number): boolean {
  const { recorder, loaded } = run;
  if (recorder.nodes.some(node => node.operation !== undefined)) return false;
  if (recorder.pods.length !== loaded.spec.kafka.brokers || recorder.pods.some(p => !p.ready))
    return false;
  for (const zone of loaded.plan.zones) {
    const nodes = recorder.nodes.filter(n => n.zone === zone.zone);
    if (nodes.length !== level || nodes.some(n => !n.ready || n.unschedulable)) return false;
    const perNode = nodes.map(
      node => recorder.pods.filter(p => p.nodeName === node.name && p.ready).length,
    );
    if (perNode.some(count => count !== loaded.plan.brokersPerZone / level)) return false;
    const group = run.moto.groups.find(g => g.zone === zone.zone);
    const described = group === undefined ? undefined : recorder.groups.get(group.groupName);
    if (described?.DesiredCapacity !== level || (described.Instances ?? []).length !== level)
      return false;
  }
  return true;
}

/** Waits until `evenAt(level)`. */
export async function waitEven(run: E2eRun, level: number, timeoutMs: number): Promise<void> {
  await waitUntil(
    `every zone at ${level} node(s) with an even spread`,
    () => evenAt(run, level),
    timeoutMs,
    {
      describe: () => describeCluster(run),
    },
  );
}

/** Waits until a replica holds the Lease; returns its identity. */
export async function waitForLeader(run: E2eRun, timeoutMs = 60_000): Promise<string> {
  return waitUntil(
    'a controller replica to hold the Lease',
    () => run.recorder.currentLeader(),
    timeoutMs,
  );
}

/**
 * Runs `strike` synchronously when the first write matching `match` passes a tap (before the
 * controller sees the response), once; resolves with that write. Later writes pass untouched.
 */
export function strikeOnWrite(
  tap: E2eRun['kubeTap'],
  match: (write: WriteEvent) => boolean,
  strike: (write: WriteEvent) => void,
): Promise<WriteEvent> {
  return new Promise(resolve => {
    const previous = tap.onWrite;
    tap.onWrite = write => {
      previous?.(write);
      if (!match(write)) return;
      tap.onWrite = previous;
      strike(write);
      resolve(write);
    };
  });
}

/** The replica holding the Lease now, read from the API (not the recorder's last poll). */
export async function leaderNow(run: E2eRun): Promise<string | undefined> {
  const { spec } = run.loaded;
  const response = await run.api.request(
    'GET',
    `/apis/coordination.k8s.io/v1/namespaces/${spec.controller.namespace}/leases/${spec.name}-kafka-autoscaler`,
  );
  return response.status === 200
    ? (response.body as { spec?: { holderIdentity?: string } }).spec?.holderIdentity
    : undefined;
}

/** Writes of one kind in the history so far. */
export function writesOf(run: E2eRun, kind: WriteEvent['write']): WriteEvent[] {
  return [...run.kubeTap.writes, ...run.motoTap.writes]
    .filter(write => write.write === kind)
    .sort((a, b) => a.atMs - b.atMs);
}
