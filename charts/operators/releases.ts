/**
 * The operator Helm releases the platform needs: the one list both renderers install.
 *
 * - `gitops.engine: flux` / `argocd`: synth turns each entry into a Flux `HelmRelease` or an Argo CD
 *   `Application` (`../operators-chart.ts`);
 * - `gitops.engine: none`: `pulumi up` turns each entry into a `helm.v3.Release`
 *   (`components/platform.ts`).
 *
 * Name, namespace, chart pin and values come only from the spec, so the two paths install the same
 * charts with the same values (`test/charts/operators-releases.test.ts` checks it over spec
 * variants). No value depends on something only known at deploy time: the load balancer controller
 * finds a VPC this platform creates by its `Name` tag, and an existing VPC by the ID in the spec.
 */
import { SERVICE_ACCOUNTS } from '../../components/lib/names';
import { clusterNameOf } from '../../spec/derived-names';
import type { PlatformSpec } from '../../spec/schema';
import { kafkaNamespaceLabels } from '../kafka-chart';
import {
  AWS_LOAD_BALANCER_CONTROLLER_CHART,
  CERT_MANAGER_CHART,
  KUBE_PROMETHEUS_STACK_CHART,
  STRIMZI_OPERATOR_CHART,
  type HelmChartPin,
} from './versions';

/** Helm values as plain data (what `values.yaml` would hold). */
export type HelmValues = Record<string, unknown>;

/** Stable key of each release; also the key of `Platform.releases` in the Pulumi component. */
export type OperatorReleaseKey =
  'certManager' | 'strimziOperator' | 'awsLoadBalancerController' | 'kubePrometheusStack';

/** A namespace the platform creates before a release installs, as a `v1` `Namespace` object. */
export interface PrerequisiteNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface OperatorRelease {
  readonly key: OperatorReleaseKey;
  /** Helm release name (the chart's name), also the name of the Flux / Argo CD object. */
  readonly name: string;
  /** Namespace of the release; its installer creates it (`createNamespace`). */
  readonly namespace: string;
  readonly chart: HelmChartPin;
  readonly values: HelmValues;
  /**
   * Namespaces other than `namespace` (and other than the ones Kubernetes makes) that the chart
   * writes objects into. They must exist before the release installs, so the platform emits them
   * in the operators layer (`../operators-chart.ts`): Flux's operators Kustomization and Argo CD's
   * wave -1 apply them before the release, and with `gitops.engine: none` Pulumi applies that
   * component before any release. Empty for every chart but Strimzi's.
   */
  readonly prerequisiteNamespaces: readonly PrerequisiteNamespace[];
}

/** Replicas of each operator and webhook Deployment: one may be evicted while the other serves. */
export const OPERATOR_REPLICAS = 2;

/**
 * The `Name` tag of the VPC this platform creates (`components/network.ts` tags it so). The load
 * balancer controller finds that VPC by it (`vpcTags`), since its pods cannot reach instance
 * metadata (nodes allow one IMDS hop) and the VPC ID is not known when synth runs.
 */
export function vpcNameTagOf(spec: PlatformSpec): string {
  return `${spec.name}-vpc`;
}

/**
 * Strimzi's cluster operator, watching only the Kafka namespace (least privilege: the chart binds
 * its namespaced roles there and in its own namespace with RoleBindings, not cluster-wide), two
 * replicas with leader election and a PodDisruptionBudget, and the restricted pod security
 * provider for the pods it creates.
 *
 * The chart writes RoleBindings into each of `watchNamespaces` (templates `020-`, `023-`, `031-`
 * range over them), so the Kafka namespace is a prerequisite namespace of this release. A watched
 * namespace equal to the release namespace would duplicate those RoleBindings (the chart's
 * values.yaml warns), so it is left out (the spec rules forbid it anyway).
 */
export function strimziRelease(spec: PlatformSpec): OperatorRelease {
  const namespace = spec.operators.strimziNamespace;
  const watched = spec.kafka.namespace === namespace ? [] : [spec.kafka.namespace];
  return {
    key: 'strimziOperator',
    name: 'strimzi-kafka-operator',
    namespace,
    chart: STRIMZI_OPERATOR_CHART,
    values: {
      replicas: OPERATOR_REPLICAS,
      watchAnyNamespace: false,
      watchNamespaces: watched,
      // Strimzi's chart: `podDisruptionBudget.enabled` renders a policy/v1 PDB for the operator,
      // and its template (051-PodDisruptionBudget-strimzi-cluster-operator.yaml) writes
      // `minAvailable` and `maxUnavailable` each only when the value is set. A PDB with both is
      // refused by the API server, and which of the two chart 1.2.0 sets by default was not
      // verified; a null user value would clear it under Helm but Pulumi drops nulls from Release
      // values. So only `enabled` is set: the chart's own default budget then applies, and with 2
      // replicas either default (one available, or one unavailable) lets one operator pod go.
      podDisruptionBudget: { enabled: true },
      extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
    },
    prerequisiteNamespaces: watched.map(name => ({ name, labels: kafkaNamespaceLabels() })),
  };
}

/**
 * The VPC values of the load balancer controller: the ID from `cluster.existingVpc` when the spec
 * names one (an existing VPC carries no tag this platform set), else `vpcTags: { Name: <name>-vpc
 * }`, which the chart renders as `--aws-vpc-tags` (the value came with
 * kubernetes-sigs/aws-load-balancer-controller#3906, early 2025). Only `Name` is used: controller
 * releases before the fix of kubernetes-sigs/aws-load-balancer-controller#4633 (March 2026)
 * filter on the `--aws-vpc-tag-key` tag only (default `Name`); later ones AND all given tags, so one
 * `Name` tag works with both.
 */
export function loadBalancerControllerVpcValues(spec: PlatformSpec): HelmValues {
  const existing = spec.cluster.existingVpc;
  return existing === undefined
    ? { vpcTags: { Name: vpcNameTagOf(spec) } }
    : { vpcId: existing.vpcId };
}

/**
 * AWS Load Balancer Controller: the per-broker NLBs and their readiness gates depend on it.
 * Cluster name and region are passed explicitly, the VPC by tag or ID (see
 * `loadBalancerControllerVpcValues`); its service account has a fixed name, which the Pod Identity
 * association of `components/platform.ts` names. The Service mutator webhook is off, so only
 * Services that ask for the NLB class get one (no silent change to other Services); a PDB keeps
 * one replica during drains.
 */
export function loadBalancerControllerRelease(spec: PlatformSpec): OperatorRelease {
  return {
    key: 'awsLoadBalancerController',
    name: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    chart: AWS_LOAD_BALANCER_CONTROLLER_CHART,
    values: {
      clusterName: clusterNameOf(spec),
      region: spec.region,
      ...loadBalancerControllerVpcValues(spec),
      replicaCount: spec.operators.loadBalancerControllerReplicas,
      serviceAccount: { create: true, name: SERVICE_ACCOUNTS.loadBalancerController.name },
      enableServiceMutatorWebhook: false,
      podDisruptionBudget: { maxUnavailable: 1 },
    },
    prerequisiteNamespaces: [],
  };
}

/**
 * cert-manager with its CRDs: issues the Drain Cleaner's webhook certificate and injects its CA.
 * Controller, webhook and CA injector run two replicas each with a PodDisruptionBudget
 * (`podDisruptionBudget.enabled` of each). Its metrics are not scraped through a ServiceMonitor:
 * that would need the Prometheus Operator's CRDs before this release installs, and the releases
 * install side by side.
 */
export function certManagerRelease(_spec: PlatformSpec): OperatorRelease {
  const ha = { replicaCount: OPERATOR_REPLICAS, podDisruptionBudget: { enabled: true } };
  return {
    key: 'certManager',
    name: 'cert-manager',
    namespace: 'cert-manager',
    chart: CERT_MANAGER_CHART,
    values: { crds: { enabled: true }, ...ha, webhook: ha, cainjector: ha },
    prerequisiteNamespaces: [],
  };
}

/** kube-prometheus-stack, told to pick up every PodMonitor, ServiceMonitor and PrometheusRule. */
export function kubePrometheusStackRelease(spec: PlatformSpec): OperatorRelease {
  return {
    key: 'kubePrometheusStack',
    name: 'kube-prometheus-stack',
    namespace: spec.monitoring.namespace,
    chart: KUBE_PROMETHEUS_STACK_CHART,
    values: {
      prometheus: {
        prometheusSpec: {
          podMonitorSelectorNilUsesHelmValues: false,
          ruleSelectorNilUsesHelmValues: false,
          serviceMonitorSelectorNilUsesHelmValues: false,
        },
      },
    },
    prerequisiteNamespaces: [],
  };
}

/** Every release, in install order (kube-prometheus-stack only with `installKubePrometheusStack`). */
export function operatorReleases(spec: PlatformSpec): OperatorRelease[] {
  const releases = [
    certManagerRelease(spec),
    strimziRelease(spec),
    loadBalancerControllerRelease(spec),
  ];
  if (spec.monitoring.installKubePrometheusStack) releases.push(kubePrometheusStackRelease(spec));
  return releases;
}

/** The prerequisite namespaces of every release, each once, in release order. */
export function prerequisiteNamespaces(spec: PlatformSpec): PrerequisiteNamespace[] {
  const seen = new Map<string, PrerequisiteNamespace>();
  for (const release of operatorReleases(spec)) {
    for (const namespace of release.prerequisiteNamespaces) {
      if (!seen.has(namespace.name)) seen.set(namespace.name, namespace);
    }
  }
  return [...seen.values()];
}
