/**
 * The Pulumi program: reads the spec file named in the stack config (`kafka-eks-autoscaling:spec`,
 * default `stacks/prod.yaml`), validates it, and creates one `KafkaEksPlatform` from it, named
 * after `spec.name`, exporting its outputs. A relative spec path resolves against the project root
 * (the folder of `Pulumi.yaml`), never against the working directory the engine starts the program
 * in; see `stacks/defaults.ts`. The engine's entry point is `index.ts` at the project root
 * (`main` in `Pulumi.yaml`), which re-exports this module.
 *
 * Earlier versions of this program called `buildPlatformStack` itself, so its components were
 * direct children of the stack. `aliasRootResources: true` keeps those stacks: each component
 * answers to its old URN too, and `pulumi up` moves it under the platform without replacing
 * anything (docs/upgrade.md). Checked under the real engine by test/engine/aliases.test.ts.
 *
 * Before it creates anything, the program compares the spec with the stack output
 * `statefulIdentity` of the last deployment and stops on any guarded field that changed (`name`,
 * `region`, `zones` moved, `cluster.vpcCidr`, the given VPC, subnets or cluster, the instance
 * types, `kafka.namespace`: each would replace the cluster, its network, its nodegroups or the
 * Kafka cluster; spec/stateful-identity.ts, components/lib/zone-order-guard.ts), and
 * `cluster.kubernetesVersion` with the output `kubernetesVersion` (EKS takes only the next minor
 * version, spec/kubernetes-version.ts). It exports them for the next run, and still exports
 * `zoneOrder` and `nodeInstanceTypes`, which earlier versions read (a rolled-back program keeps
 * its checks). It also exports the system nodegroup's name and zones (`systemNodegroup`), which
 * the next run keeps while those zones stay in the spec, so an appended or dropped zone never
 * replaces that group under its own name (spec/system-nodegroup.ts), and the admin access
 * entries' keys (`adminAccessEntries`), so removing or reordering admins replaces no entry under a
 * principal another entry holds (components/lib/access-entries.ts). The module exports one async
 * function, which the engine runs; callers under mocks import it and call it.
 */
import * as pulumi from '@pulumi/pulumi';
import { KafkaEksPlatform } from '../components/kafka-eks-platform';
import { ADMIN_ACCESS_ENTRIES_OUTPUT } from '../components/lib/access-entries';
import { refuseStatefulChanges } from '../components/lib/zone-order-guard';
import { refuseUnavailableZones } from '../components/lib/available-zones';
import { formatIssue, SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import { KUBERNETES_VERSION_OUTPUT } from '../spec/kubernetes-version';
import { NODE_INSTANCE_TYPES_OUTPUT, nodeInstanceTypesOf } from '../spec/nodegroup-instance-types';
import {
  STATEFUL_IDENTITY_OUTPUT,
  statefulIdentityOf,
  type StatefulIdentity,
} from '../spec/stateful-identity';
import { SYSTEM_NODEGROUP_OUTPUT, type SystemNodegroupIdentity } from '../spec/system-nodegroup';
import { ZONE_ORDER_OUTPUT } from '../spec/zone-order';
import { projectRootFrom, specFileFromConfig } from './defaults';

/** The stack outputs: the platform's outputs, and `zones` as deployed (read back by the next run). */
interface ProgramOutputs {
  readonly kubeconfig: KafkaEksPlatform['kubeconfig'];
  readonly clusterName: KafkaEksPlatform['clusterName'];
  readonly zones: KafkaEksPlatform['zones'];
  readonly bootstrapAddress: KafkaEksPlatform['bootstrapAddress'];
  readonly externalBootstrapService: KafkaEksPlatform['externalBootstrapService'];
  readonly controllerPolicyJson: KafkaEksPlatform['controllerPolicyJson'];
  readonly zoneOrder: readonly string[];
  /** `cluster.kubernetesVersion` as deployed; absent for a joined cluster (`cluster.existing`). */
  readonly kubernetesVersion?: string;
  /** The nodegroups' instance types by spec field, as deployed (read by earlier versions). */
  readonly nodeInstanceTypes: Readonly<Record<string, string>>;
  /** The guarded spec fields as deployed, by spec path (spec/stateful-identity.ts). */
  readonly statefulIdentity: StatefulIdentity;
  /**
   * The system nodegroup's EKS name and zones as deployed (spec/system-nodegroup.ts); absent for a
   * joined cluster.
   */
  readonly systemNodegroup?: SystemNodegroupIdentity;
  /** The admin access entries' keys -> principal ARNs as deployed; absent for a joined cluster. */
  readonly adminAccessEntries?: Readonly<Record<string, string>>;
}

async function main(): Promise<ProgramOutputs> {
  const config = new pulumi.Config();
  const projectRoot = projectRootFrom(pulumi.runtime.getRootDirectory());
  const { file: specFile, problem } = specFileFromConfig(config.get('spec'), projectRoot);
  // RunError: the engine prints the message alone, without a stack trace of the program.
  if (problem !== undefined) throw new pulumi.RunError(problem);
  let loaded: ReturnType<typeof loadSpecFile>;
  try {
    loaded = loadSpecFile(specFile);
  } catch (error) {
    if (error instanceof SpecError) throw new pulumi.RunError(error.message);
    throw error;
  }
  // The spec's warnings (the lines synth prints), before the first AWS call: a preview that stops
  // there (no credentials, a refused zone) still shows them. Awaited, so each has reached the
  // engine before a failing call ends the program (unawaited, the engine showed some of them in
  // some runs). Logged on the stack; the component is told not to repeat them.
  await Promise.all(loaded.warnings.map(warning => pulumi.log.warn(formatIssue(warning))));
  const createsCluster = loaded.spec.cluster.existing === undefined;
  const kubernetesVersion = createsCluster ? loaded.spec.cluster.kubernetesVersion : undefined;
  const nodeInstanceTypes = nodeInstanceTypesOf(loaded.spec);
  const lastDeployment = await refuseStatefulChanges(loaded.spec);
  await refuseUnavailableZones(loaded.spec);
  const platform = new KafkaEksPlatform(loaded.spec.name, {
    spec: loaded,
    aliasRootResources: true,
    specWarningsLogged: true,
    ...(lastDeployment.systemNodegroup === undefined
      ? {}
      : { deployedSystemNodegroup: lastDeployment.systemNodegroup }),
    ...(lastDeployment.adminAccessEntries === undefined
      ? {}
      : { deployedAdminAccessEntries: lastDeployment.adminAccessEntries }),
    ...(lastDeployment.zones === undefined ? {} : { deployedZones: lastDeployment.zones }),
  });
  return {
    kubeconfig: platform.kubeconfig,
    clusterName: platform.clusterName,
    zones: platform.zones,
    bootstrapAddress: platform.bootstrapAddress,
    externalBootstrapService: platform.externalBootstrapService,
    controllerPolicyJson: platform.controllerPolicyJson,
    [ZONE_ORDER_OUTPUT]: loaded.spec.zones,
    ...(kubernetesVersion === undefined ? {} : { [KUBERNETES_VERSION_OUTPUT]: kubernetesVersion }),
    [NODE_INSTANCE_TYPES_OUTPUT]: nodeInstanceTypes,
    [STATEFUL_IDENTITY_OUTPUT]: statefulIdentityOf(loaded.spec),
    ...(platform.systemNodegroup === undefined
      ? {}
      : { [SYSTEM_NODEGROUP_OUTPUT]: platform.systemNodegroup }),
    ...(platform.adminAccessEntries === undefined
      ? {}
      : { [ADMIN_ACCESS_ENTRIES_OUTPUT]: platform.adminAccessEntries }),
  };
}

// The engine calls an exported function and takes the object it resolves to as the stack outputs.
export = main;
