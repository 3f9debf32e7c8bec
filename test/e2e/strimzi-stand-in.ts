/**
 * A small stand-in for the Strimzi cluster operator and the brokers' metrics. The operator is not
 * published to any registry this machine reaches (see docs/e2e.md), so this does the few things
 * the controller relies on, and nothing else:
 *
 * - keeps the `Kafka` resource's `Ready` condition: True while every broker pod is Ready (or the
 *   one roll in flight is younger than `rollTimeoutSeconds`), False otherwise;
 * - rolls pods annotated `strimzi.io/manual-rolling-update=true`, one at a time and only while no
 *   other broker is down or catching up (Strimzi's roller refuses a roll that would take a
 *   partition under its minimum ISR): delete the pod, then wait until its successor is Ready;
 * - serves per-broker network counters (cAdvisor's `container_network_*_bytes_total`) from a
 *   scripted load profile, and Kafka's under-replicated and under-min-ISR partition gauges with
 *   the names in spec/kafka-metrics.ts. A broker that is not Ready, or Ready for less than
 *   `catchUpSeconds`, counts as down: its partitions are under-replicated and its zone's traffic
 *   is carried by the zone's other brokers.
 */
import { createServer, type Server } from 'node:http';
import { MANUAL_ROLLING_UPDATE_ANNOTATION } from '../../controller/operation-record';
import { UNDER_MIN_ISR_PARTITIONS, UNDER_REPLICATED_PARTITIONS } from '../../spec/kafka-metrics';
import type { LoadedSpec } from '../../spec/load';
import { freePort } from '../cluster/control-plane';
import { KubeApi, type Connection } from '../cluster/kube-api';

const MIB = 1024 * 1024;

/** Timing of the stand-in, seconds. */
export interface StandInTiming {
  /** Interval of the operator's reconciliation (picks up roll annotations). */
  readonly reconcileSeconds: number;
  /** How long a restarted broker catches up (partitions stay under-replicated). */
  readonly catchUpSeconds: number;
  /** A roll whose pod is not Ready after this long is given up; Kafka turns NotReady. */
  readonly rollTimeoutSeconds: number;
}

interface PodView {
  readonly name: string;
  readonly uid: string;
  readonly zone: string;
  readonly nodeName: string | undefined;
  readonly ready: boolean;
  readonly readySinceMs: number | undefined;
  readonly terminating: boolean;
  readonly rollRequested: boolean;
}

/** What the stand-in did, for the timeline. */
export interface StandInEvent {
  readonly atMs: number;
  readonly kind:
    'roll-started' | 'roll-finished' | 'roll-given-up' | 'kafka-ready' | 'kafka-not-ready';
  readonly pod?: string;
  readonly fromNode?: string;
  readonly toNode?: string;
}

/** A load target per zone, reached by a linear ramp. */
interface Ramp {
  readonly fromMiBps: number;
  readonly toMiBps: number;
  readonly startMs: number;
  readonly durationMs: number;
}

/** The stand-in; `start` begins reconciling and serving `/metrics`. */
export class StrimziStandIn {
  private readonly api: KubeApi;
  private readonly zoneOfPool: Map<string, string>;
  private pods = new Map<string, PodView>();
  private readonly readySince = new Map<string, { uid: string; atMs: number }>();
  private readonly counters = new Map<string, { receive: number; transmit: number }>();
  private ramps = new Map<string, Ramp>();
  private roll:
    { pod: string; uid: string; fromNode: string | undefined; startedMs: number } | undefined;
  private kafkaReady: boolean | undefined;
  private lastIntegrationMs = Date.now();
  private server: Server | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Everything the stand-in did, in order. */
  readonly events: StandInEvent[] = [];
  /** Failed reconciliations (the API server down is expected in fault runs). */
  errors = 0;
  /** `http://127.0.0.1:<port>/metrics` once started. */
  metricsUrl = '';

  constructor(
    private readonly loaded: LoadedSpec,
    connection: Connection,
    private readonly timing: StandInTiming,
    initialZoneMiBps: number,
  ) {
    this.api = new KubeApi(connection);
    this.zoneOfPool = new Map(loaded.plan.zones.map(z => [z.poolName, z.zone]));
    for (const zone of loaded.plan.zones) {
      this.ramps.set(zone.zone, {
        fromMiBps: initialZoneMiBps,
        toMiBps: initialZoneMiBps,
        startMs: 0,
        durationMs: 0,
      });
    }
  }

  /** Demand of `zone` now, MiB/s (the busier direction: receive). */
  zoneDemandMiBps(zone: string, nowMs = Date.now()): number {
    const ramp = this.ramps.get(zone);
    if (ramp === undefined) return 0;
    if (ramp.durationMs <= 0 || nowMs >= ramp.startMs + ramp.durationMs) return ramp.toMiBps;
    const share = Math.max(0, (nowMs - ramp.startMs) / ramp.durationMs);
    return ramp.fromMiBps + (ramp.toMiBps - ramp.fromMiBps) * share;
  }

  /** Ramps every zone's demand linearly to `mibpsPerZone` over `seconds`. */
  rampTo(mibpsPerZone: number, seconds: number): void {
    const nowMs = Date.now();
    for (const zone of this.ramps.keys()) {
      this.ramps.set(zone, {
        fromMiBps: this.zoneDemandMiBps(zone, nowMs),
        toMiBps: mibpsPerZone,
        startMs: nowMs,
        durationMs: seconds * 1000,
      });
    }
  }

  /** The pods as last listed. */
  podViews(): readonly PodView[] {
    return [...this.pods.values()];
  }

  /** The Kafka resource's Ready condition as last written. */
  isKafkaReady(): boolean | undefined {
    return this.kafkaReady;
  }

  /** Whether a roll is in flight. */
  rolling(): boolean {
    return this.roll !== undefined;
  }

  private isDown(pod: PodView | undefined, nowMs: number): boolean {
    if (pod === undefined || !pod.ready || pod.terminating || pod.nodeName === undefined)
      return true;
    return (
      pod.readySinceMs === undefined || nowMs - pod.readySinceMs < this.timing.catchUpSeconds * 1000
    );
  }

  /** Broker pods down or catching up, by name (an absent pod counts). */
  downBrokers(nowMs = Date.now()): string[] {
    const down: string[] = [];
    for (const zone of this.loaded.plan.zones) {
      for (const id of zone.brokerIds) {
        const name = `${this.loaded.spec.name}-${zone.poolName}-${id}`;
        if (this.isDown(this.pods.get(name), nowMs)) down.push(name);
      }
    }
    return down;
  }

  /** Under-replicated partitions now: every replica on a down broker. */
  underReplicatedPartitions(nowMs = Date.now()): number {
    const partitions = this.loaded.spec.kafka.topics.reduce(
      (sum, topic) =>
        sum +
        topic.partitions * (topic.replicationFactor ?? this.loaded.spec.kafka.replicationFactor),
      0,
    );
    const perBroker = Math.ceil(partitions / this.loaded.spec.kafka.brokers);
    return Math.min(partitions, this.downBrokers(nowMs).length * perBroker);
  }

  private async listPods(): Promise<void> {
    const namespace = this.loaded.spec.kafka.namespace;
    const list = (await this.api.ok('GET', `/api/v1/namespaces/${namespace}/pods`, {
      query: {
        labelSelector: `strimzi.io/cluster=${this.loaded.spec.name},strimzi.io/broker-role=true`,
      },
    })) as {
      items: Array<{
        metadata: {
          name: string;
          uid: string;
          labels?: Record<string, string>;
          annotations?: Record<string, string>;
          deletionTimestamp?: string;
        };
        spec: { nodeName?: string };
        status?: { conditions?: Array<{ type: string; status: string }> };
      }>;
    };
    const nowMs = Date.now();
    const pods = new Map<string, PodView>();
    for (const item of list.items) {
      const zone = this.zoneOfPool.get(item.metadata.labels?.['strimzi.io/pool-name'] ?? '') ?? '';
      const ready = (item.status?.conditions ?? []).some(
        c => c.type === 'Ready' && c.status === 'True',
      );
      const seen = this.readySince.get(item.metadata.name);
      if (ready && (seen === undefined || seen.uid !== item.metadata.uid)) {
        this.readySince.set(item.metadata.name, { uid: item.metadata.uid, atMs: nowMs });
      } else if (!ready) {
        this.readySince.delete(item.metadata.name);
      }
      pods.set(item.metadata.name, {
        name: item.metadata.name,
        uid: item.metadata.uid,
        zone,
        nodeName: item.spec.nodeName,
        ready,
        readySinceMs: ready ? this.readySince.get(item.metadata.name)?.atMs : undefined,
        terminating: item.metadata.deletionTimestamp !== undefined,
        rollRequested: item.metadata.annotations?.[MANUAL_ROLLING_UPDATE_ANNOTATION] === 'true',
      });
    }
    this.pods = pods;
  }

  private async reconcileRolls(nowMs: number): Promise<void> {
    const namespace = this.loaded.spec.kafka.namespace;
    if (this.roll !== undefined) {
      const current = this.pods.get(this.roll.pod);
      if (current !== undefined && current.uid !== this.roll.uid && current.ready) {
        this.events.push({
          atMs: nowMs,
          kind: 'roll-finished',
          pod: this.roll.pod,
          fromNode: this.roll.fromNode,
          toNode: current.nodeName,
        });
        this.roll = undefined;
      } else if (nowMs - this.roll.startedMs > this.timing.rollTimeoutSeconds * 1000) {
        this.events.push({
          atMs: nowMs,
          kind: 'roll-given-up',
          pod: this.roll.pod,
          fromNode: this.roll.fromNode,
        });
        this.roll = undefined;
      }
      return;
    }
    const candidate = [...this.pods.values()]
      .filter(pod => pod.rollRequested && !pod.terminating)
      .sort((a, b) => a.name.localeCompare(b.name))[0];
    if (candidate === undefined) return;
    // Strimzi's roller: never roll while another broker is down or catching up.
    const othersDown = this.downBrokers(nowMs).filter(name => name !== candidate.name);
    if (othersDown.length > 0) return;
    const response = await this.api.request(
      'DELETE',
      `/api/v1/namespaces/${namespace}/pods/${candidate.name}`,
      { body: { preconditions: { uid: candidate.uid } } },
    );
    if (response.status === 200 || response.status === 202) {
      this.roll = {
        pod: candidate.name,
        uid: candidate.uid,
        fromNode: candidate.nodeName,
        startedMs: nowMs,
      };
      this.events.push({
        atMs: nowMs,
        kind: 'roll-started',
        pod: candidate.name,
        fromNode: candidate.nodeName,
      });
    }
  }

  private async reconcileKafka(nowMs: number): Promise<void> {
    const everyBrokerReady = this.loaded.plan.zones.every(zone =>
      zone.brokerIds.every(id => {
        const pod = this.pods.get(`${this.loaded.spec.name}-${zone.poolName}-${id}`);
        return pod !== undefined && pod.ready && !pod.terminating;
      }),
    );
    const ready = everyBrokerReady || (this.roll !== undefined && this.kafkaReady === true);
    if (ready === this.kafkaReady) return;
    const { name, kafka } = this.loaded.spec;
    await this.api.ok(
      'PATCH',
      `/apis/kafka.strimzi.io/v1/namespaces/${kafka.namespace}/kafkas/${name}/status`,
      {
        body: {
          status: {
            conditions: [
              {
                type: 'Ready',
                status: ready ? 'True' : 'False',
                lastTransitionTime: new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z'),
                ...(ready
                  ? {}
                  : { reason: 'BrokersNotReady', message: 'a broker pod is not Ready' }),
              },
            ],
            observedGeneration: 1,
          },
        },
        contentType: 'application/merge-patch+json',
      },
    );
    this.kafkaReady = ready;
    this.events.push({ atMs: nowMs, kind: ready ? 'kafka-ready' : 'kafka-not-ready' });
  }

  private integrate(nowMs: number): void {
    const seconds = (nowMs - this.lastIntegrationMs) / 1000;
    this.lastIntegrationMs = nowMs;
    for (const zone of this.loaded.plan.zones) {
      const up = [...this.pods.values()].filter(
        p => p.zone === zone.zone && !this.isDown(p, nowMs),
      );
      const share = up.length === 0 ? 0 : this.zoneDemandMiBps(zone.zone, nowMs) / up.length;
      for (const pod of this.pods.values()) {
        if (pod.zone !== zone.zone) continue;
        const counter = this.counters.get(pod.name) ?? { receive: 0, transmit: 0 };
        if (up.includes(pod)) {
          counter.receive += share * MIB * seconds;
          counter.transmit += share * 0.8 * MIB * seconds;
        }
        this.counters.set(pod.name, counter);
      }
    }
  }

  /** The exposition text Prometheus scrapes. */
  metricsText(nowMs = Date.now()): string {
    const namespace = this.loaded.spec.kafka.namespace;
    const lines: string[] = [];
    const present = [...this.pods.values()]
      .filter(p => !p.terminating)
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const pod of present) {
      const counter = this.counters.get(pod.name) ?? { receive: 0, transmit: 0 };
      const labels = `namespace="${namespace}",pod="${pod.name}"`;
      lines.push(`container_network_receive_bytes_total{${labels}} ${Math.round(counter.receive)}`);
      lines.push(
        `container_network_transmit_bytes_total{${labels}} ${Math.round(counter.transmit)}`,
      );
    }
    // Partition gauges, labelled `pod` like a PodMonitor target: every running broker (Ready and
    // bound, catching up or not) reports; the total on one series, zero on the others. The
    // controller needs one per Ready broker pod (`brokerHealthSampleTimestamps`).
    const reporters = present.filter(p => p.ready && p.nodeName !== undefined);
    const urp = this.underReplicatedPartitions(nowMs);
    const gaugeHolders = reporters.length > 0 ? reporters : present.slice(0, 1);
    gaugeHolders.forEach((pod, index) => {
      const labels = `namespace="${namespace}",pod="${pod.name}"`;
      lines.push(`${UNDER_REPLICATED_PARTITIONS}{${labels}} ${index === 0 ? urp : 0}`);
      lines.push(`${UNDER_MIN_ISR_PARTITIONS}{${labels}} 0`);
    });
    return `${lines.join('\n')}\n`;
  }

  /** Starts the reconcile loop and the metrics server. */
  async start(): Promise<void> {
    const port = await freePort();
    this.server = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.statusCode = 404;
        response.end();
        return;
      }
      this.integrate(Date.now());
      response.setHeader('content-type', 'text/plain; version=0.0.4');
      response.end(this.metricsText());
    });
    await new Promise<void>(resolve => this.server?.listen(port, '127.0.0.1', resolve));
    this.metricsUrl = `http://127.0.0.1:${port}/metrics`;
    this.running = true;
    const loop = async (): Promise<void> => {
      if (!this.running) return;
      try {
        await this.listPods();
        const nowMs = Date.now();
        this.integrate(nowMs);
        await this.reconcileRolls(nowMs);
        await this.reconcileKafka(nowMs);
      } catch {
        this.errors++;
      }
      if (this.running)
        this.timer = setTimeout(() => void loop(), this.timing.reconcileSeconds * 1000);
    };
    await loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await new Promise<void>(resolve =>
      this.server === undefined ? resolve() : this.server.close(() => resolve()),
    );
    this.api.close();
  }
}
