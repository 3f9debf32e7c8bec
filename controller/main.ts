/**
 * Entry point: reads the configuration, builds the adapters, and wires the caches, the leader
 * election, the control loop and the HTTP server. Nothing else happens here.
 */
import { hostname } from 'node:os';
import { AutoScalingAdapter, autoScalingClient, sdkCalls } from './adapters/autoscaling';
import { KubernetesAdapter } from './adapters/kubernetes';
import { PrometheusAdapter } from './adapters/prometheus';
import { startHttpServer } from './http-server';
import { LeaderElector } from './leader-election';
import { ListWatchCache } from './list-watch';
import { loadControllerConfigFile } from './load-config';
import { jsonLogger } from './log';
import { ControllerMetrics } from './metrics';
import { assembleObservation } from './observe';
import { Reconciler } from './reconciler';

async function main(): Promise<void> {
  const logger = jsonLogger();
  const config = loadControllerConfigFile(
    process.env.CONFIG_PATH ?? '/etc/kafka-autoscaler/config.json',
  );
  const dryRun = config.dryRun || process.env.DRY_RUN === 'true';
  const identity = process.env.POD_NAME ?? hostname();
  const kubernetes = new KubernetesAdapter(config, identity);
  const autoscaling = new AutoScalingAdapter(
    sdkCalls(autoScalingClient(config.region, process.env.AWS_ENDPOINT_URL)),
  );
  const prometheus = new PrometheusAdapter(config.prometheusUrl);
  const metrics = new ControllerMetrics();
  const onError = (source: string) => (error: unknown) =>
    logger.log('warn', `${source} error`, { error: String(error) });

  let wake: () => void = () => undefined;
  const nodes = new ListWatchCache(kubernetes.nodeSource(), {
    onChange: () => wake(),
    onError: onError('node watch'),
  });
  const pods = new ListWatchCache(kubernetes.brokerPodSource(), {
    onChange: () => wake(),
    onError: onError('pod watch'),
  });
  const elector = new LeaderElector(
    identity,
    kubernetes.leaseStore(),
    config.leaderElection,
    Date.now,
    onError('lease'),
  );

  let lastFreshAtMs = 0;
  let lastPassAtMs = Date.now();
  const reconciler = new Reconciler({
    config: { ...config, dryRun },
    cluster: kubernetes,
    groups: autoscaling,
    events: kubernetes,
    leadership: () => elector.leadership(),
    metrics,
    logger,
    observe: async () => {
      const nowMs = Date.now();
      const [kafka, prom, groups] = await Promise.allSettled([
        kubernetes.readKafka(),
        prometheus.kafkaMetrics(config.prometheusQueries),
        autoscaling.describeZoneGroups(config.zones),
      ]);
      for (const result of [kafka, prom, groups]) {
        if (result.status === 'rejected') onError('observe')(result.reason);
      }
      const syncedAt = [nodes.syncedAtMs, pods.syncedAtMs];
      const observed = assembleObservation(
        {
          nowMs,
          nodes: nodes.snapshot(),
          pods: pods.snapshot(),
          kafka: kafka.status === 'fulfilled' ? kafka.value : undefined,
          kubernetesSyncedAtMs: syncedAt.some(at => at === undefined)
            ? undefined
            : Math.min(...(syncedAt as number[])),
          prometheus: prom.status === 'fulfilled' ? { atMs: nowMs, ...prom.value } : undefined,
          autoscaling:
            groups.status === 'fulfilled' ? { atMs: nowMs, groups: groups.value } : undefined,
        },
        config,
      );
      const { kubernetesAtMs, prometheusAtMs, autoscalingAtMs } = observed.freshness;
      if (
        kubernetesAtMs !== undefined &&
        prometheusAtMs !== undefined &&
        autoscalingAtMs !== undefined
      ) {
        lastFreshAtMs = Math.min(kubernetesAtMs, prometheusAtMs, autoscalingAtMs);
      }
      return observed;
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

  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const pass = async () => {
    timer = undefined;
    let acted = false;
    try {
      acted = (await reconciler.reconcileOnce()).acted;
    } catch (error) {
      logger.log('error', 'pass failed; retrying next interval', { error: String(error) });
    }
    lastPassAtMs = Date.now();
    // After an action the next pass comes soon (the next zone's scale-out, the next step), as a
    // watch event would bring it; otherwise every interval.
    if (!stopping)
      timer = setTimeout(() => void pass(), acted ? 1000 : config.intervalSeconds * 1000);
  };
  // Watch events bring the next pass forward (coalesced: at most one pending).
  wake = () => {
    if (timer === undefined || stopping) return;
    clearTimeout(timer);
    timer = setTimeout(() => void pass(), 1000);
  };
  timer = setTimeout(() => void pass(), 1000);
  logger.log('info', 'controller started', { identity, dryRun, cluster: config.clusterName });

  const shutdown = () => {
    stopping = true;
    if (timer !== undefined) clearTimeout(timer);
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
