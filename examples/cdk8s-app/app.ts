/**
 * A team's cdk8s app: the Kafka platform from `kafka-eks-autoscaling`, plus a chart of the team's
 * own that configures its Kafka clients. `buildApp()` builds without writing, so tests can look at
 * every chart; `main.ts` synthesizes to `dist/`.
 */
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { KafkaPlatform } from 'kafka-eks-autoscaling/cdk8s';
import { loadSpec, type LoadedSpec } from 'kafka-eks-autoscaling/spec';

export interface ClientsChartProps {
  /** The platform the clients connect to. */
  readonly platform: LoadedSpec;
  /** Namespace of the team's applications. @default "orders" */
  readonly namespace?: string;
}

/** The team's own chart: its namespace and the client settings its services read. */
export class ClientsChart extends Chart {
  public constructor(scope: Construct, id: string, props: ClientsChartProps) {
    super(scope, id);
    const namespace = props.namespace ?? 'orders';
    const { spec } = props.platform;
    new ApiObject(this, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    new ApiObject(this, 'kafka-client', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kafka-client', namespace },
      data: {
        KAFKA_CLUSTER: spec.name,
        KAFKA_TOPICS: spec.kafka.topics.map(topic => topic.name).join(','),
        KAFKA_MIN_INSYNC_REPLICAS: String(spec.kafka.minInSyncReplicas),
      },
    });
  }
}

export function buildApp(app: App = new App()): { app: App; platform: KafkaPlatform } {
  const platform = new KafkaPlatform(app, 'kafka', {
    spec: loadSpec(join(__dirname, 'platform.yaml')),
  });
  new ClientsChart(app, 'clients', { platform: platform.loaded });
  return { app, platform };
}
