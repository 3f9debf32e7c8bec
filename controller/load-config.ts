/**
 * Reads the controller configuration the operations chart ships as JSON (ConfigMap key
 * `config.json`) and validates it at start, so a bad ConfigMap stops the pod with a clear message
 * instead of a controller that acts on wrong numbers.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_WATCH_QUIET_LIMIT_SECONDS, type ControllerConfig } from './config';

const positive = z.number().positive();
const count = z.number().int().nonnegative();

const controllerConfigSchema = z
  .object({
    clusterName: z.string().min(1),
    region: z.string().min(1),
    eksClusterName: z.string().min(1).optional(),
    kafkaNamespace: z.string().min(1),
    kafkaNodeLabel: z.object({ key: z.string().min(1), value: z.string().min(1) }),
    zones: z
      .array(
        z.object({
          zone: z.string().min(1),
          poolName: z.string().min(1),
          nodegroupName: z.string().min(1),
          brokers: z.number().int().positive(),
        }),
      )
      .min(1),
    balancedNodeCounts: z.array(z.number().int().positive()).min(1),
    minNodesPerZone: count,
    maxNodesPerZone: z.number().int().positive(),
    nodeBaselineMiBps: positive,
    targetUtilization: z.number().gt(0).lte(1),
    scaleInMargin: z.number().gte(0).lt(1),
    scaleInStabilizationSeconds: count,
    emptyNodeStabilizationSeconds: count.optional(),
    intervalSeconds: z.number().int().positive(),
    sameLevelInAllZones: z.boolean(),
    scheduledMinimums: z.array(
      z.object({
        startUtc: z.string().regex(/^\d{2}:\d{2}$/),
        endUtc: z.string().regex(/^\d{2}:\d{2}$/),
        nodesPerZone: z.number().int().positive(),
        weekdays: z.array(z.number().int().min(0).max(6)),
      }),
    ),
    replicationFactor: z.number().int().positive(),
    dryRun: z.boolean(),
    prometheusUrl: z.url(),
    prometheusQueries: z.object({
      brokerReceiveBytesPerSecond: z.string().min(1),
      brokerTransmitBytesPerSecond: z.string().min(1),
      underReplicatedPartitions: z.string().min(1),
      underMinIsrPartitions: z.string().min(1),
      brokerSampleTimestamps: z.string().min(1).optional(),
      healthSampleTimestamp: z.string().min(1).optional(),
      brokerHealthSampleTimestamps: z.string().min(1),
    }),
    staleAfterSeconds: positive,
    moveTimeoutSeconds: positive,
    operationPhaseTimeoutSeconds: positive.optional(),
    rollbackLoopLimit: z.number().int().min(1).optional(),
    rollbackLoopBackoffSeconds: positive.optional(),
    nodeReadyTimeoutSeconds: positive,
    leaderElection: z.object({
      namespace: z.string().min(1),
      leaseName: z.string().min(1),
      leaseDurationSeconds: positive,
      renewDeadlineSeconds: positive,
      retryPeriodSeconds: positive,
    }),
    httpPort: z.number().int().min(1).max(65535),
    forecast: z
      .object({
        leadTimeSeconds: positive,
        historyDays: z.number().int().min(1).max(14),
        minHistoryHours: z.number().nonnegative(),
        quantile: z.number().gt(0).lte(1),
        maxRaiseShare: z.number().nonnegative(),
      })
      .strict()
      .optional(),
    rampHorizonSeconds: positive.optional(),
    kubernetesApiRateLimit: z.object({ qps: positive, burst: z.number().int().min(1) }).optional(),
    autoscalingMutationIntervalSeconds: z.number().nonnegative().optional(),
    watchQuietLimitSeconds: positive.optional(),
  })
  .strict()
  .superRefine((config, context) => {
    const sorted = [...config.balancedNodeCounts].sort((a, b) => a - b);
    if (sorted.some((level, index) => level !== config.balancedNodeCounts[index])) {
      context.addIssue({
        code: 'custom',
        path: ['balancedNodeCounts'],
        message: 'must be ascending',
      });
    }
    // The controller bounds a zone by its balanced levels alone (the lowest is its floor, the
    // highest its ceiling): min and max per zone are carried in the levels. A file whose bounds and
    // levels disagree (one edited without the other, or written by another version of the
    // builder) would have the controller scale past the bounds the user set, so it is refused.
    if (config.minNodesPerZone > config.maxNodesPerZone) {
      context.addIssue({
        code: 'custom',
        path: ['minNodesPerZone'],
        message: `${config.minNodesPerZone} is above maxNodesPerZone (${config.maxNodesPerZone}); use at most ${config.maxNodesPerZone}`,
      });
    }
    for (const [index, level] of config.balancedNodeCounts.entries()) {
      if (level < config.minNodesPerZone || level > config.maxNodesPerZone) {
        context.addIssue({
          code: 'custom',
          path: ['balancedNodeCounts', index],
          message: `${level} is outside [minNodesPerZone, maxNodesPerZone] = [${config.minNodesPerZone}, ${config.maxNodesPerZone}]; the levels and the bounds come from one spec (nodes.kafka.minPerZone, maxPerZone): regenerate the configuration from it (synth) rather than editing one of them`,
        });
      }
    }
    for (const [index, zone] of config.zones.entries()) {
      for (const level of config.balancedNodeCounts) {
        if (zone.brokers % level !== 0) {
          context.addIssue({
            code: 'custom',
            path: ['zones', index, 'brokers'],
            message: `${zone.brokers} brokers cannot spread evenly over ${level} nodes; every balanced node count must divide it`,
          });
        }
      }
    }
    // Per-zone memory (ramp samples, level clocks, forecast history) is keyed by zone name and a
    // zone's demand is read by pool: a shared name would mix two zones' data.
    for (const field of ['zone', 'poolName', 'nodegroupName'] as const) {
      const first = new Map<string, number>();
      for (const [index, zone] of config.zones.entries()) {
        const earlier = first.get(zone[field]);
        if (earlier === undefined) {
          first.set(zone[field], index);
          continue;
        }
        context.addIssue({
          code: 'custom',
          path: ['zones', index, field],
          message: `"${zone[field]}" is also zones.${earlier}'s; each zone needs its own ${field}`,
        });
      }
    }
    const emptyWindow = config.emptyNodeStabilizationSeconds;
    if (emptyWindow !== undefined && emptyWindow > config.scaleInStabilizationSeconds) {
      context.addIssue({
        code: 'custom',
        path: ['emptyNodeStabilizationSeconds'],
        message: `${emptyWindow} is longer than scaleInStabilizationSeconds (${config.scaleInStabilizationSeconds}); an empty node never waits longer than a node with brokers, so use at most ${config.scaleInStabilizationSeconds}`,
      });
    }
    const phaseTimeout = config.operationPhaseTimeoutSeconds;
    if (phaseTimeout !== undefined && phaseTimeout <= config.staleAfterSeconds) {
      context.addIssue({
        code: 'custom',
        path: ['operationPhaseTimeoutSeconds'],
        message: `${phaseTimeout} must exceed staleAfterSeconds (${config.staleAfterSeconds}), or a phase could time out on data older than its last write; use at least ${config.staleAfterSeconds + 1}`,
      });
    }
    const quietLimit = config.watchQuietLimitSeconds ?? DEFAULT_WATCH_QUIET_LIMIT_SECONDS;
    if (quietLimit >= config.staleAfterSeconds) {
      context.addIssue({
        code: 'custom',
        path: ['staleAfterSeconds'],
        message: `${config.staleAfterSeconds} must exceed watchQuietLimitSeconds (${quietLimit}): a quiet watch is refreshed only that often, so a cluster where nothing changes would read as stale; raise staleAfterSeconds or lower watchQuietLimitSeconds`,
      });
    }
    if (config.leaderElection.renewDeadlineSeconds >= config.leaderElection.leaseDurationSeconds) {
      context.addIssue({
        code: 'custom',
        path: ['leaderElection', 'renewDeadlineSeconds'],
        message: 'must be shorter than leaseDurationSeconds',
      });
    }
  });

/** A configuration that failed validation; the message lists every problem with its path. */
export class ControllerConfigError extends Error {}

/** Validates parsed JSON as a controller configuration; throws one error naming every problem. */
export function parseControllerConfig(raw: unknown): ControllerConfig {
  const result = controllerConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map(issue => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.join('.');
    return `${path}: ${issue.message}`;
  });
  throw new ControllerConfigError(`invalid controller configuration:\n  ${problems.join('\n  ')}`);
}

/** Reads and validates the configuration file (the mounted `config.json`). */
export function loadControllerConfigFile(path: string): ControllerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ControllerConfigError(
      `cannot read controller configuration ${path}: ${String(error)}`,
    );
  }
  return parseControllerConfig(raw);
}
