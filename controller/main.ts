/**
 * Entry point: reads the configuration, builds the adapters, and wires the caches, the leader
 * election, the control loop and the HTTP server. Nothing else happens here.
 */
import { hostname } from 'node:os';
import { PrometheusAdapter } from './adapters/prometheus';
import { NotLeaderError, onAdmissionFenceRefusal } from './fence';
import { startHttpServer } from './http-server';
import { LeaderElector } from './leader-election';
import { ListWatchCache } from './list-watch';
import { DEFAULT_WATCH_QUIET_LIMIT_SECONDS } from './config';
import { loadControllerConfigFile } from './load-config';
import { jsonLogger } from './log';
import { ForecastHistory } from './forecast-history';
import { ControllerMetrics } from './metrics';
import { ReadySinceMemory, assembleObservation, kubernetesViewAtMs } from './observe';
import type { ReadSource } from './model';
import { PassScheduler } from './pass-scheduler';
import {
  DEFAULT_AUTOSCALING_MUTATION_INTERVAL_SECONDS,
  DEFAULT_KUBERNETES_RATE_LIMIT,
  GroupMutationSpacing,
  TokenBucket,
  limitedCall,
  limitedClusterWriter,
  limitedEvents,
  limitedLeaseStore,
  limitedSource,
  spacedGroupWriter,
} from './rate-limit';
import { Reconciler } from './reconciler';
import { DecisionPublisher } from './decision-record';
import { fencedWriters } from './writers';

async function main(): Promise<void> {
  const logger = jsonLogger();
  const config = loadControllerConfigFile(
    process.env.CONFIG_PATH ?? '/etc/kafka-autoscaler/config.json',
  );
  const dryRun = config.dryRun || process.env.DRY_RUN === 'true';
  const identity = process.env.POD_NAME ?? hostname();
  // Leadership is checked again innermost, right before each write goes out (after any rate-limit
  // wait, and before each of the Auto Scaling adapter's retries): every Kubernetes write but the
  // Lease's, and every mutating Auto Scaling call (fence.ts). `elector` is read only then.
  // Innermost, each write also reads the Lease back from the API (`elector.confirm`): a replica
  // whose clocks stood still through a freeze cannot tell the takeover from them.
  const { kubernetes, autoscaling } = fencedWriters(
    config,
    identity,
    () => elector.leadership(),
    { autoScalingEndpoint: process.env.AWS_ENDPOINT_URL },
    // Through the general bucket (not the Lease's: a renewal never waits behind these reads).
    // Counted by outcome: a read that keeps failing (429s) drops every write, and says so.
    {
      confirm: async () => {
        const outcome = await elector.confirmOutcome(() =>
          limitedCall(kubernetesGate, () => leaseReads.get()),
        );
        metrics.recordLeaseConfirmation(outcome);
        return outcome;
      },
      // A write the API server's admission fence refused: the Lease is lost whatever the clocks
      // say; count it and stop leading until a renewal reads the Lease again.
      onFenceRefusal: error =>
        onAdmissionFenceRefusal({
          elector,
          metrics,
          log: (message, fields) => logger.log('warn', message, fields),
        })(error),
    },
  );
  const leaseReads = kubernetes.leaseStore();
  // Every Kubernetes request goes through one bucket (a 429 pauses it for its Retry-After);
  // mutating Auto Scaling calls are spaced per group. The Lease has a bucket of its own, so its
  // renewal never queues behind other calls or their 429 pauses.
  const kubernetesGate = new TokenBucket(
    config.kubernetesApiRateLimit ?? DEFAULT_KUBERNETES_RATE_LIMIT,
  );
  const leaseGate = new TokenBucket(config.kubernetesApiRateLimit ?? DEFAULT_KUBERNETES_RATE_LIMIT);
  const onError = (source: string) => (error: unknown) =>
    logger.log('warn', `${source} error`, { error: String(error) });
  const elector = new LeaderElector(
    identity,
    limitedLeaseStore(kubernetes.leaseStore(), leaseGate),
    config.leaderElection,
    Date.now,
    onError('lease'),
    // Read beside the wall clock: a step of either cannot make two leaders (leader-election.ts).
    () => performance.now(),
  );
  const groupSpacing = new GroupMutationSpacing(
    (config.autoscalingMutationIntervalSeconds ?? DEFAULT_AUTOSCALING_MUTATION_INTERVAL_SECONDS) *
      1000,
  );
  // Sample ages are measured on Prometheus's clock; a clock further off than the stale limit is
  // refused (review s35-a, fault 1).
  const prometheus = new PrometheusAdapter(config.prometheusUrl, fetch, 10_000, {
    maxClockSkewMs: config.staleAfterSeconds * 1000,
  });
  // The forecast floor's metrics are exported only while it is on (a 0 reads as healthy).
  const metrics = new ControllerMetrics({ forecastFloor: config.forecast !== undefined });
  // The marker tells the next process whether a short history is a new cluster or a Prometheus
  // that lost its data (forecast-marker.ts); only the leader writes it (checked before the read
  // that precedes a write, and by the fence right before the write goes out), and a failure holds
  // nothing.
  const markerStore = kubernetes.forecastMarkerStore();
  const forecastHistory = new ForecastHistory(prometheus, config, onError('forecast history'), {
    marker: {
      location: markerStore.location,
      read: () => limitedCall(kubernetesGate, () => markerStore.read()),
      write: (marker, readVersion) =>
        limitedCall(kubernetesGate, () => markerStore.write(marker, readVersion)),
    },
    mayWriteMarker: () => elector.leadership().leading,
    onMarkerError: (operation, error) => {
      // The lease lapsed while the write waited (the fence dropped it): not a failure.
      if (error instanceof NotLeaderError) {
        logger.log('info', 'forecast history marker write dropped: not leading', {
          error: String(error),
        });
        return;
      }
      metrics.recordForecastMarkerError(operation);
      onError(`forecast history marker ${operation}`)(error);
    },
    // A write that lost a race to another writer or the operator's delete: counted, not logged as
    // an error (nothing is wrong; the marker is read again at the next refresh).
    onMarkerConflict: () => metrics.recordForecastMarkerError('conflict'),
  });

  let wake: () => void = () => undefined;
  const quietLimitMs = (config.watchQuietLimitSeconds ?? DEFAULT_WATCH_QUIET_LIMIT_SECONDS) * 1000;
  const nodes = new ListWatchCache(limitedSource(kubernetes.nodeSource(), kubernetesGate), {
    quietLimitMs,
    onChange: () => wake(),
    onError: onError('node watch'),
  });
  const pods = new ListWatchCache(limitedSource(kubernetes.brokerPodSource(), kubernetesGate), {
    quietLimitMs,
    onChange: () => wake(),
    onError: onError('pod watch'),
  });

  // Ready broker pods without a readiness time get the time this process first saw them Ready.
  const readySince = new ReadySinceMemory();
  let lastFreshAtMs = 0;
  let lastPassAtMs = Date.now();
  const reconciler = new Reconciler({
    config: { ...config, dryRun },
    cluster: limitedClusterWriter(kubernetes, kubernetesGate),
    groups: spacedGroupWriter(autoscaling, groupSpacing),
    events: limitedEvents(kubernetes, kubernetesGate),
    liveNodeCheck: {
      nodeNow: nodeName => limitedCall(kubernetesGate, () => kubernetes.nodeNow(nodeName), 2),
      nodesOfInstance: instanceId =>
        limitedCall(kubernetesGate, () => kubernetes.nodesOfInstance(instanceId)),
    },
    liveRecordCheck: {
      nodesWithRecords: () => limitedCall(kubernetesGate, () => kubernetes.nodesWithRecords()),
    },
    liveBrokerCheck: {
      brokersNow: () => limitedCall(kubernetesGate, () => kubernetes.brokersNow()),
      otherBrokerPodsNow: () => limitedCall(kubernetesGate, () => kubernetes.otherBrokerPodsNow()),
    },
    leadership: () => elector.leadership(),
    metrics,
    logger,
    now: Date.now,
    observe: async () => {
      const nowMs = Date.now();
      const [kafka, prom, groups] = await Promise.allSettled([
        limitedCall(kubernetesGate, () => kubernetes.readKafka()),
        prometheus.kafkaMetrics(config.prometheusQueries, config.kafkaNamespace),
        autoscaling.describeZoneGroups(config.zones, config.eksClusterName),
      ]);
      for (const result of [kafka, prom, groups]) {
        if (result.status === 'rejected') onError('observe')(result.reason);
      }
      // Each failed read's message goes into the hold's detail (review s35-a, fault 5).
      const reason = (result: PromiseSettledResult<unknown>) =>
        result.status === 'rejected'
          ? result.reason instanceof Error
            ? result.reason.message
            : String(result.reason)
          : undefined;
      const readErrors = Object.fromEntries(
        (
          [
            ['kafka', reason(kafka)],
            ['prometheus', reason(prom)],
            ['autoscaling', reason(groups)],
          ] as const
        ).filter((entry): entry is readonly [ReadSource, string] => entry[1] !== undefined),
      );
      const observed = readySince.fill(
        assembleObservation(
          {
            nowMs,
            nodes: nodes.snapshot(),
            pods: pods.snapshot(),
            kafka: kafka.status === 'fulfilled' ? kafka.value : undefined,
            kubernetesSyncedAtMs: kubernetesViewAtMs(nodes, pods),
            prometheus:
              prom.status === 'fulfilled'
                ? { atMs: prom.value.sampledAtMs, ...prom.value }
                : undefined,
            autoscaling:
              groups.status === 'fulfilled' ? { atMs: nowMs, groups: groups.value } : undefined,
            readErrors,
          },
          config,
        ),
        // After the cache snapshot above: when the pod view was read (see `ReadySinceMemory`).
        Date.now(),
      );
      const { kubernetesAtMs, prometheusAtMs, autoscalingAtMs } = observed.freshness;
      if (
        kubernetesAtMs !== undefined &&
        prometheusAtMs !== undefined &&
        autoscalingAtMs !== undefined
      ) {
        lastFreshAtMs = Math.min(kubernetesAtMs, prometheusAtMs, autoscalingAtMs);
      }
      await forecastHistory.refresh(nowMs);
      metrics.setForecastRefreshState(forecastHistory.refreshState());
      const forecast = forecastHistory.forecasts(nowMs);
      return forecast === undefined ? observed : { ...observed, forecast };
    },
  });

  const server = await startHttpServer(
    {
      alive: () => Date.now() - lastPassAtMs < config.intervalSeconds * 4000,
      fresh: () => Date.now() - lastFreshAtMs < config.staleAfterSeconds * 1000,
      metrics: () => metrics.text(),
    },
    config.httpPort,
  );
  nodes.start();
  pods.start();
  elector.start();

  // The leader's last decision, kept in a ConfigMap for `status` (never read back).
  const decisions = new DecisionPublisher(
    record => limitedCall(kubernetesGate, () => kubernetes.writeDecisionRecord(record), 2),
    { holder: identity, dryRun, scaleInStabilizationSeconds: config.scaleInStabilizationSeconds },
    onError('decision record'),
  );

  // Passes: every interval, soon after an action, and soon after watch events (coalesced).
  const scheduler = new PassScheduler({
    intervalMs: config.intervalSeconds * 1000,
    soonMs: 1000,
    runPass: async () => {
      try {
        const result = await reconciler.reconcileOnce();
        await decisions.publish(result.plan, elector.leadership().leading, Date.now());
        return result.acted;
      } finally {
        lastPassAtMs = Date.now();
      }
    },
    onPassError: error =>
      logger.log('error', 'pass failed; retrying next interval', { error: String(error) }),
  });
  wake = () => scheduler.wake();
  scheduler.start();
  logger.log('info', 'controller started', { identity, dryRun, cluster: config.clusterName });

  const shutdown = () => {
    scheduler.stop();
    nodes.stop();
    pods.stop();
    elector.stop();
    server.close();
    logger.log('info', 'controller stopped');
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch(error => {
  process.stderr.write(`${JSON.stringify({ level: 'error', message: String(error) })}\n`);
  process.exit(1);
});
