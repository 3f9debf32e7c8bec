/**
 * PodMonitors and PrometheusRules for Kafka, the operators and the scaling machinery, and the
 * Grafana dashboard as a ConfigMap for kube-prometheus-stack's dashboard sidecar.
 */
import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../spec/schema';
import { dashboardConfigMap } from './dashboard/config-map';
import { drainCleanerSelectorLabels } from './drain-cleaner/workload';
import { kafkaAlertGroup, operationsAlertGroup } from './monitoring/alerts';
import {
  PROMETHEUS_OPERATOR_API_VERSION,
  PROMETHEUS_RELEASE_LABEL,
  drainCleanerPodMonitorTarget,
  kafkaPodMonitorTargets,
  podMonitorSpec,
  strimziOperatorPodMonitorTarget,
} from './monitoring/pod-monitors';

export interface MonitoringChartProps extends ChartProps {
  /** The validated platform spec. */
  readonly spec: PlatformSpec;
}

export class MonitoringChart extends Chart {
  public constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, props);
    const { spec } = props;
    const targets = [
      ...kafkaPodMonitorTargets(spec.name, spec.kafka.namespace),
      strimziOperatorPodMonitorTarget(spec.operators.strimziNamespace),
      drainCleanerPodMonitorTarget(spec.drainCleaner.namespace, drainCleanerSelectorLabels()),
    ];
    for (const target of targets) {
      new ApiObject(this, `pod-monitor-${target.namespace}-${target.name}`, {
        apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
        kind: 'PodMonitor',
        metadata: {
          name: target.name,
          namespace: target.namespace,
          labels: { ...PROMETHEUS_RELEASE_LABEL },
        },
        spec: podMonitorSpec(target),
      });
    }
    new ApiObject(this, 'rules', {
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: 'PrometheusRule',
      metadata: {
        name: `${spec.name}-kafka-platform`,
        namespace: spec.monitoring.namespace,
        labels: { ...PROMETHEUS_RELEASE_LABEL },
      },
      spec: { groups: [kafkaAlertGroup(spec), operationsAlertGroup(spec)] },
    });
    const dashboard = dashboardConfigMap(spec);
    new ApiObject(this, 'dashboard', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: dashboard.name, namespace: dashboard.namespace, labels: dashboard.labels },
      data: dashboard.data,
    });
  }
}
