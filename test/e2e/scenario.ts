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

/**
 * A step of the controller's work, as told by one write: the write kind itself for every write
 * but the operation record; for the record, what changed against the record last written on the
 * same node: `record-start` (a new operation), `record-<phase>` (a phase change, for example
 * `record-drain`), `record-adopt` (the same phase, another holder: a new leader took it over),
 * `record-move-started`, `record-move-finished`, `record-remove` (the operation ended), and
 * `record-other` (anything else: a rewrite with the same phase, holder and moves).
 */
export type WriteStep = Exclude<WriteEvent['write'], 'record'> | `record-${string}`;

/**
 * Tells the steps of the writes it is shown, in the order they took effect (each `record` write
 * compared with the one before it on the same node). A `record` write without its decoded
 * `record` (a tap that did not read it) is `record-other`.
 */
export class WriteSteps {
  private readonly lastRecord = new Map<string, NonNullable<WriteEvent['record']>>();

  /** The step `write` made; remembers it for the next write on the same node. */
  stepOf(write: WriteEvent): WriteStep {
    if (write.write !== 'record') return write.write;
    const now = write.record;
    if (now === undefined || write.nodeName === undefined) return 'record-other';
    const before = this.lastRecord.get(write.nodeName);
    this.lastRecord.set(write.nodeName, now);
    if (now.phase === undefined) return 'record-remove';
    if (before?.phase === undefined || before.id !== now.id) return 'record-start';
    if (before.phase !== now.phase) return `record-${now.phase}`;
    if (before.holder !== now.holder) return 'record-adopt';
    if (now.moving === true && before.moving !== true) return 'record-move-started';
    if ((now.movesDone ?? 0) > (before.movesDone ?? 0)) return 'record-move-finished';
    return 'record-other';
  }
}
