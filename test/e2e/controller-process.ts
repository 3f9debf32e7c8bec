/**
 * The controller under test, as the product ships it: the esbuild bundle (`npm run
 * build:controller`) run by Node as separate processes, two replicas, leader-elected through the
 * real Lease API. Its configuration is what `controllerConfigFromSpec` builds from the spec (the
 * operations chart's ConfigMap content), with the timing compressed through configuration fields
 * only (see `compressedConfig`). It authenticates as the chart's ServiceAccount with a token from
 * the TokenRequest API, so every request is judged by the RBAC that charts/autoscaler emits; it
 * never sees an admin credential.
 *
 * Both replicas reach the API server and moto through a write tap (write-tap.ts), which records
 * every write they make for the invariant checker.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import { parseControllerConfig } from '../../controller/load-config';
import { AUTOSCALER_NAME } from '../../charts/autoscaler/workload';
import type { LoadedSpec } from '../../spec/load';
import { freePort } from '../cluster/control-plane';
import { KubeApi } from '../cluster/kube-api';
import { controllerBundle } from './binaries';
import { MOTO_CREDENTIALS } from './cloud';
import type { ProcessGroup, RunningProcess } from './processes';

/** The timing of a compressed day, all of it controller configuration. */
export interface CompressedTiming {
  /** `intervalSeconds`: pass interval. */
  readonly intervalSeconds: number;
  /** `scaleInStabilizationSeconds`. */
  readonly scaleInStabilizationSeconds: number;
  /** `staleAfterSeconds`. */
  readonly staleAfterSeconds: number;
  /** `moveTimeoutSeconds`. */
  readonly moveTimeoutSeconds: number;
  /** `nodeReadyTimeoutSeconds`. */
  readonly nodeReadyTimeoutSeconds: number;
  /** Lease duration; renew deadline and retry period follow from it. */
  readonly leaseDurationSeconds: number;
  /** Rate window of the throughput queries (the default `[2m]` would smooth a compressed day). */
  readonly rateWindowSeconds: number;
  /** `autoscalingMutationIntervalSeconds`. */
  readonly autoscalingMutationIntervalSeconds: number;
  /** `watchQuietLimitSeconds`: below `staleAfterSeconds`, or a quiet cluster reads as stale. */
  readonly watchQuietLimitSeconds: number;
  /** `operationPhaseTimeoutSeconds`: above `staleAfterSeconds`. */
  readonly operationPhaseTimeoutSeconds: number;
}

/**
 * The spec's controller configuration with the compressed timing, pointed at the run's
 * Prometheus; validated with the controller's own loader so a bad override fails here.
 */
export function compressedConfig(
  loaded: LoadedSpec,
  timing: CompressedTiming,
  prometheusUrl: string,
  httpPort: number,
): ControllerConfig {
  const base = controllerConfigFromSpec(loaded);
  const window = `[${timing.rateWindowSeconds}s]`;
  const queries = Object.fromEntries(
    Object.entries(base.prometheusQueries).map(([name, query]) => [
      name,
      query.replace('[2m]', window),
    ]),
  ) as unknown as ControllerConfig['prometheusQueries'];
  return parseControllerConfig({
    ...base,
    intervalSeconds: timing.intervalSeconds,
    scaleInStabilizationSeconds: timing.scaleInStabilizationSeconds,
    // The empty-node window may not exceed the full one (the loader rejects it): the compressed
    // full window applies to every removal.
    emptyNodeStabilizationSeconds: timing.scaleInStabilizationSeconds,
    staleAfterSeconds: timing.staleAfterSeconds,
    moveTimeoutSeconds: timing.moveTimeoutSeconds,
    nodeReadyTimeoutSeconds: timing.nodeReadyTimeoutSeconds,
    autoscalingMutationIntervalSeconds: timing.autoscalingMutationIntervalSeconds,
    watchQuietLimitSeconds: timing.watchQuietLimitSeconds,
    operationPhaseTimeoutSeconds: timing.operationPhaseTimeoutSeconds,
    leaderElection: {
      ...base.leaderElection,
      leaseDurationSeconds: timing.leaseDurationSeconds,
      renewDeadlineSeconds: Math.max(1, Math.round(timing.leaseDurationSeconds * 0.66)),
      retryPeriodSeconds: Math.max(1, Math.round(timing.leaseDurationSeconds / 6)),
    },
    prometheusUrl,
    prometheusQueries: queries,
    httpPort,
  });
}

/** A token of the chart's ServiceAccount, from the TokenRequest API (one hour). */
export async function serviceAccountToken(api: KubeApi, namespace: string): Promise<string> {
  const response = (await api.ok(
    'POST',
    `/api/v1/namespaces/${namespace}/serviceaccounts/${AUTOSCALER_NAME}/token`,
    {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      },
    },
  )) as { status: { token: string } };
  return response.status.token;
}

/** A kubeconfig for the ServiceAccount token, pointed at `server` (the write tap). */
export function serviceAccountKubeconfig(server: string, caPem: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: e2e\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    'users:',
    `- name: ${AUTOSCALER_NAME}\n  user:\n    token: ${token}`,
    'contexts:',
    `- name: e2e\n  context:\n    cluster: e2e\n    user: ${AUTOSCALER_NAME}`,
    'current-context: e2e',
    '',
  ].join('\n');
}

/** One controller replica. */
export interface ControllerReplica {
  readonly identity: string;
  readonly httpPort: number;
  readonly configPath: string;
  process: RunningProcess;
}

/** The two replicas and how to kill and restart them. */
export class ControllerReplicas {
  readonly replicas: ControllerReplica[] = [];

  constructor(
    private readonly processes: ProcessGroup,
    private readonly runDir: string,
    private readonly kubeconfigPath: string,
    private readonly awsEndpoint: string,
    private readonly region: string,
  ) {}

  private spawn(replica: Omit<ControllerReplica, 'process'>): RunningProcess {
    return this.processes.start(
      `controller-${replica.identity}`,
      process.execPath,
      [controllerBundle()],
      {
        PATH: process.env.PATH ?? '',
        CONFIG_PATH: replica.configPath,
        KUBECONFIG: this.kubeconfigPath,
        POD_NAME: replica.identity,
        POD_NAMESPACE: 'kafka-autoscaler',
        AWS_ENDPOINT_URL: this.awsEndpoint,
        AWS_REGION: this.region,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        NODE_OPTIONS: '--max-old-space-size=256',
      },
    );
  }

  /** Starts replica `identity` with `config` (its own HTTP port). */
  async start(
    identity: string,
    config: (httpPort: number) => ControllerConfig,
  ): Promise<ControllerReplica> {
    const httpPort = await freePort();
    const configPath = join(this.runDir, `config-${identity}.json`);
    writeFileSync(configPath, `${JSON.stringify(config(httpPort), null, 2)}\n`);
    const replica = { identity, httpPort, configPath };
    const started: ControllerReplica = { ...replica, process: this.spawn(replica) };
    this.replicas.push(started);
    return started;
  }

  /** `kill -9` of a replica, then a restart under the same identity (as a Deployment would). */
  async kill9AndRestart(identity: string): Promise<void> {
    const replica = this.replicas.find(r => r.identity === identity);
    if (replica === undefined) throw new Error(`no replica ${identity}`);
    await replica.process.kill9();
    replica.process = this.spawn(replica);
  }

  /** `kill -9` of a replica, no restart. */
  async kill9(identity: string): Promise<void> {
    await this.replicas.find(r => r.identity === identity)?.process.kill9();
  }

  /** Restarts a killed replica. */
  restart(identity: string): void {
    const replica = this.replicas.find(r => r.identity === identity);
    if (replica === undefined) throw new Error(`no replica ${identity}`);
    if (replica.process.exited()) replica.process = this.spawn(replica);
  }
}
