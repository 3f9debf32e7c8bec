/**
 * The platform's charts, in deploy order. Each entry is one component: one cdk8s chart, one output
 * folder under the synth directory, one Pulumi ConfigGroup. Add a component here and it appears in
 * `npm run synth`, `cdk8s synth`, the Pulumi stack and the invariant tests.
 */
import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { LoadedSpec } from '../spec/load';
import { AutoscalerChart } from './autoscaler-chart';
import { DeschedulerChart } from './descheduler-chart';
import { DrainCleanerChart } from './drain-cleaner-chart';
import { GitopsChart } from './gitops-chart';
import { builtComponentNames, layerOfComponent, withGitopsLayers } from './gitops-layers';
import { assertNoPlatformNamespaceEdges } from './gitops-order';
import { KafkaChart } from './kafka-chart';
import { MonitoringChart } from './monitoring-chart';
import { NetworkPoliciesChart } from './network-policies-chart';
import { OperatorsChart } from './operators-chart';
import { StorageChart } from './storage-chart';

export interface ComponentEntry {
  /** Folder and chart ID, stable: GitOps paths and Pulumi names depend on it. */
  readonly name: string;
  /** One line for the synth summary and the README. */
  readonly description: string;
  /** Builds the chart, or returns undefined when the spec turns the component off. */
  readonly build: (scope: Construct, loaded: LoadedSpec) => Chart | undefined;
}

const entries: readonly ComponentEntry[] = [
  {
    name: 'storage',
    description: 'gp3 StorageClasses (WaitForFirstConsumer, encrypted, expandable, Retain)',
    build: (scope, { spec }) => new StorageChart(scope, 'storage', { spec }),
  },
  {
    name: 'operators',
    description:
      'Kafka namespace; Strimzi, AWS LBC, cert-manager (+ kube-prometheus-stack) as Flux or Argo CD objects',
    build: (scope, { spec, plan }) => new OperatorsChart(scope, 'operators', { spec, plan }),
  },
  {
    name: 'kafka',
    description: 'Kafka (KRaft), node pools per zone, topics',
    build: (scope, { spec, plan }) => new KafkaChart(scope, 'kafka', { spec, plan }),
  },
  {
    name: 'drain-cleaner',
    description: 'Strimzi Drain Cleaner: eviction webhook, cert-manager TLS, 2+ replicas, PDB',
    build: (scope, { spec }) => new DrainCleanerChart(scope, 'drain-cleaner', { spec }),
  },
  {
    // Before the autoscaler: with \`gitops.engine: none\` each ConfigGroup waits for the previous
    // one's Deployments to be ready, and the controller is ready only once Prometheus scrapes the
    // brokers through these PodMonitors (test/charts/platform-health-order.test.ts).
    name: 'monitoring',
    description: 'PodMonitors and PrometheusRules with runbook links',
    build: (scope, { spec }) =>
      spec.monitoring.enabled ? new MonitoringChart(scope, 'monitoring', { spec }) : undefined,
  },
  {
    name: 'descheduler',
    description: 'Descheduler re-spreading brokers, one eviction per cycle (target-tracking mode)',
    build: (scope, { spec, plan }) =>
      plan.deschedulerEnabled ? new DeschedulerChart(scope, 'descheduler', { spec }) : undefined,
  },
  {
    name: 'autoscaler',
    description: 'Kafka-aware autoscaling controller: RBAC, config, leader-elected Deployment',
    build: (scope, loaded) =>
      loaded.spec.autoscaling.mode === 'controller'
        ? new AutoscalerChart(scope, 'autoscaler', { loaded })
        : undefined,
  },
  {
    name: 'network-policies',
    description:
      'Default-deny plus needed allows in the operator, webhook and controller namespaces',
    build: (scope, { spec, plan }) =>
      new NetworkPoliciesChart(scope, 'network-policies', { spec, plan }),
  },
  {
    name: 'gitops',
    description:
      'Flux entry point: a Kustomization per layer folder, operators first, the rest dependsOn them',
    // Last, so the platform components it points at are already built beside it.
    build: (scope, { spec }) => {
      if (spec.gitops.engine !== 'flux') return undefined;
      const platformComponents = builtComponentNames(
        scope,
        entries.map(entry => entry.name),
      ).filter(name => layerOfComponent(name) === 'platform');
      // Every platform folder dependsOn the operators folder only: the namespaces they use come
      // with the operators (gitops-order.ts states each edge and why).
      assertNoPlatformNamespaceEdges(scope, platformComponents);
      return new GitopsChart(scope, 'gitops', { spec, platformComponents });
    },
  },
];

/** Every component, with its GitOps layer's ordering applied (see `gitops-layers.ts`). */
export const components: readonly ComponentEntry[] = withGitopsLayers(entries);
