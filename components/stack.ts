/**
 * Wires the components to a validated spec: network, cluster, nodegroups, the EBS CSI driver,
 * scaling, everything inside the cluster, and Cluster Autoscaler. `KafkaEksPlatform` calls this
 * once (and `stacks/index.ts` creates that component); tests call it under mocks.
 */
import * as pulumi from '@pulumi/pulumi';
import { INTERNAL_TLS_PORT } from '../charts/kafka/labels';
import type { LoadedSpec } from '../spec/load';
import { onSystemNodegroupZones, type SystemNodegroupIdentity } from '../spec/system-nodegroup';
import type { AdminAccessEntryKeys } from './lib/access-entries';
import type { LastDeployment } from './lib/zone-order-guard';
import { Cluster } from './cluster';
import { ClusterAutoscaler } from './cluster-autoscaler';
import { EbsCsiDriver } from './ebs-csi-driver';
import { ExistingCluster } from './existing-cluster';
import { externalBootstrapServiceOf, internalBootstrapAddress } from './lib/names';
import { Network } from './network';
import { Nodegroups } from './nodegroups';
import { Platform } from './platform';
import { Scaling } from './scaling';

/** One zone's Kafka nodegroup and Auto Scaling group, as the stack exports them. */
export interface ZoneOutput {
  readonly nodegroupName: string;
  readonly autoScalingGroupName: pulumi.Output<string>;
}

export interface PlatformStackOutputs {
  /** Kubeconfig of the new cluster (JSON, secret). */
  readonly kubeconfig: pulumi.Output<string>;
  readonly clusterName: string;
  /** Zone -> Kafka nodegroup and Auto Scaling group. */
  readonly zones: Readonly<Record<string, ZoneOutput>>;
  /** In-cluster bootstrap address of the TLS listener. */
  readonly bootstrapAddress: string;
  /** `namespace/name` of the external bootstrap NLB's Service, when external access is on. */
  readonly externalBootstrapService: string | undefined;
  /** The controller's IAM policy (controller mode). */
  readonly controllerPolicyJson: pulumi.Output<string> | undefined;
  /** The system nodegroup's EKS name and zones; undefined for a joined cluster (no such group). */
  readonly systemNodegroup: SystemNodegroupIdentity | undefined;
  /** The admin access entries, key -> principal ARN; undefined for a joined cluster. */
  readonly adminAccessEntries: Readonly<Record<string, string>> | undefined;
}

/**
 * Creates every component for the spec. `opts` go to each top-level component and only to them
 * (`KafkaEksPlatform` passes `{ parent: this }`, plus the stack-root aliases when asked); each
 * component parents its own resources with `{ parent: this }`, so they inherit both. Without
 * `opts` the components are direct children of the stack, as in the program of earlier versions.
 * `lastDeployment` is what `refuseStatefulChanges` returns (default none, a first deployment): the
 * system nodegroup and the admin access entries as last deployed, see
 * `NodegroupsArgs.deployedSystemNodegroup` and `ClusterArgs.deployedAdminAccessEntries`.
 */
export function buildPlatformStack(
  loaded: LoadedSpec,
  opts?: pulumi.ComponentResourceOptions,
  lastDeployment: Partial<LastDeployment> = {},
): PlatformStackOutputs {
  const { spec, plan } = loaded;
  const deployedSystemNodegroup = lastDeployment.systemNodegroup;
  const name = spec.name;
  const network = new Network(name, { spec }, opts);
  const cluster = clusterFor(name, loaded, network, opts, lastDeployment.adminAccessEntries);
  const nodegroups = new Nodegroups(
    name,
    {
      spec,
      plan,
      clusterName: cluster.clusterName,
      privateSubnetIds: network.privateSubnetIds,
      dependsOn: cluster.ready,
      systemNodegroup: cluster.created !== undefined,
      ...(deployedSystemNodegroup === undefined ? {} : { deployedSystemNodegroup }),
    },
    opts,
  );
  // An existing cluster brings its own EBS CSI driver and Pod Identity agent (never changed here).
  const ebsCsi =
    cluster.created === undefined
      ? undefined
      : new EbsCsiDriver(
          name,
          {
            spec,
            clusterName: cluster.clusterName,
            dependsOn: [nodegroups, cluster.created.podIdentityAgent],
          },
          opts,
        );
  const scaling = new Scaling(
    name,
    {
      spec,
      plan,
      clusterName: cluster.clusterName,
      kafkaNodegroups: nodegroups.kafka,
      dependsOn: cluster.podIdentityReady,
    },
    opts,
  );
  const platform = new Platform(
    name,
    {
      // The KRaft controllers run on the system nodegroup, so their zones are its zones (kept as
      // deployed when zones are appended; spec/system-nodegroup.ts).
      loaded: onSystemNodegroupZones(loaded, nodegroups.systemIdentity?.zones),
      clusterName: cluster.clusterName,
      kubeconfig: cluster.kubeconfigJson,
      dependsOn: [
        nodegroups,
        ...(ebsCsi === undefined ? [] : [ebsCsi]),
        ...cluster.podIdentityReady,
      ],
    },
    opts,
  );
  // Cluster Autoscaler scales the platform's own system nodegroup; an existing cluster has none.
  if (cluster.created !== undefined && nodegroups.systemAsgName !== undefined) {
    new ClusterAutoscaler(
      name,
      {
        spec,
        clusterName: cluster.clusterName,
        systemAsgName: nodegroups.systemAsgName,
        provider: platform.provider,
        dependsOn: [nodegroups, cluster.created.podIdentityAgent],
      },
      opts,
    );
  }
  return {
    kubeconfig: cluster.kubeconfigJson,
    clusterName: cluster.clusterName,
    zones: Object.fromEntries(
      nodegroups.kafka.map(group => [
        group.zone,
        { nodegroupName: group.nodegroupName, autoScalingGroupName: group.asgName },
      ]),
    ),
    bootstrapAddress: internalBootstrapAddress(spec, INTERNAL_TLS_PORT),
    externalBootstrapService: spec.kafka.external.enabled
      ? externalBootstrapServiceOf(spec)
      : undefined,
    controllerPolicyJson: scaling.controllerPolicyJson,
    systemNodegroup: nodegroups.systemIdentity,
    adminAccessEntries: cluster.adminAccessEntries,
  };
}

/** The cluster the platform runs in: a new one, or `cluster.existing` (read, never changed). */
interface TargetCluster {
  readonly clusterName: string;
  readonly kubeconfigJson: pulumi.Output<string>;
  /** What the nodegroups wait for. */
  readonly ready: readonly pulumi.Resource[];
  /** What roles handed to pods wait for (the Pod Identity agent of a new cluster). */
  readonly podIdentityReady: readonly pulumi.Resource[];
  /** The new cluster; undefined when joining an existing one. */
  readonly created: Cluster | undefined;
  /** The new cluster's admin access entries (key -> principal); undefined when joining one. */
  readonly adminAccessEntries: Readonly<Record<string, string>> | undefined;
}

function clusterFor(
  name: string,
  loaded: LoadedSpec,
  network: Network,
  opts: pulumi.ComponentResourceOptions | undefined,
  deployedAdminAccessEntries: AdminAccessEntryKeys | undefined,
): TargetCluster {
  const { spec } = loaded;
  if (spec.cluster.existing !== undefined) {
    const existing = new ExistingCluster(name, { spec }, opts);
    return {
      clusterName: existing.clusterName,
      kubeconfigJson: existing.kubeconfigJson,
      ready: [existing],
      podIdentityReady: [],
      created: undefined,
      adminAccessEntries: undefined,
    };
  }
  const cluster = new Cluster(
    name,
    {
      spec,
      vpcId: network.vpcId,
      privateSubnetIds: spec.zones.map(zone => network.privateSubnetIds[zone] ?? missing(zone)),
      publicSubnetIds: Object.values(network.publicSubnetIds),
      ...(deployedAdminAccessEntries === undefined ? {} : { deployedAdminAccessEntries }),
    },
    opts,
  );
  return {
    clusterName: cluster.clusterName,
    kubeconfigJson: cluster.kubeconfigJson,
    ready: [cluster.eksCluster],
    podIdentityReady: [cluster.podIdentityAgent],
    created: cluster,
    adminAccessEntries: cluster.adminAccessEntries,
  };
}

function missing(zone: string): never {
  throw new Error(`the network has no private subnet for zone ${zone}`);
}
