/**
 * Cluster Autoscaler for the system nodegroup only. It discovers Auto Scaling groups by a tag this
 * component puts on the system group alone, and its role may change capacity only on groups with
 * that tag. The Kafka groups are never its business: their size belongs to the Kafka-aware
 * controller or their target-tracking policies.
 */
import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformSpec } from '../spec/schema';
import { HELM_RELEASES } from './lib/helm-charts';
import { clusterAutoscalerValues } from './lib/helm-values';
import { clusterAutoscalerPolicy } from './lib/iam';
import { SERVICE_ACCOUNTS } from './lib/names';
import { clusterAutoscalerDiscoveryTag, namedTags } from './lib/tags';
import { WorkloadRole } from './workload-role';

export interface ClusterAutoscalerArgs {
  /**
   * The validated platform spec: name, region, tags.
   * @default - required
   */
  readonly spec: PlatformSpec;
  /**
   * Name of the EKS cluster.
   * @default - required
   */
  readonly clusterName: string;
  /**
   * Auto Scaling group of the system nodegroup, the only group the autoscaler may scale.
   * @default - required
   */
  readonly systemAsgName: pulumi.Input<string>;
  /**
   * Kubernetes provider of the cluster.
   * @default - required
   */
  readonly provider: k8s.Provider;
  /**
   * Resources the release and the role association wait for.
   * @default - none
   */
  readonly dependsOn?: readonly pulumi.Resource[];
}

export class ClusterAutoscaler extends pulumi.ComponentResource {
  /** The Helm release. */
  public readonly release: k8s.helm.v3.Release;

  public constructor(
    name: string,
    args: ClusterAutoscalerArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('kafka-eks:index:ClusterAutoscaler', name, {}, opts);
    const { spec } = args;
    const tag = clusterAutoscalerDiscoveryTag(args.clusterName);
    const discoveryTag = new aws.autoscaling.Tag(
      `${name}-cluster-autoscaler-discovery`,
      {
        autoscalingGroupName: args.systemAsgName,
        tag: { key: tag.key, value: tag.value, propagateAtLaunch: false },
      },
      { parent: this },
    );
    const serviceAccount = SERVICE_ACCOUNTS.clusterAutoscaler;
    const role = new WorkloadRole(
      `${name}-cluster-autoscaler`,
      {
        clusterName: args.clusterName,
        namespace: serviceAccount.namespace,
        serviceAccount: serviceAccount.name,
        policy: clusterAutoscalerPolicy(args.clusterName),
        dependsOn: args.dependsOn,
        tags: namedTags(spec, `${spec.name}-cluster-autoscaler`),
      },
      { parent: this },
    );
    const chart = HELM_RELEASES.clusterAutoscaler;
    this.release = new k8s.helm.v3.Release(
      `${name}-cluster-autoscaler`,
      {
        name: 'cluster-autoscaler',
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace: chart.namespace,
        values: clusterAutoscalerValues(spec),
        atomic: true,
      },
      {
        parent: this,
        provider: args.provider,
        dependsOn: [...(args.dependsOn ?? []), discoveryTag, role],
      },
    );
    this.registerOutputs({ releaseName: this.release.name });
  }
}
