/** Runs the platform stack under mocks for a spec and indexes what it registered. */
import type { RecordedResource } from '../../components/lib/plan';
import type { LoadedSpec } from '../../spec/load';
import type { SystemNodegroupIdentity } from '../../spec/system-nodegroup';

export interface StackPlan {
  readonly resources: readonly RecordedResource[];
  /** Every resource of a type. */
  ofType(type: string): RecordedResource[];
  /** The one resource of a type with this name; throws when absent. */
  get(type: string, name: string): RecordedResource;
}

export const TYPES = {
  nodegroup: 'aws:eks/nodeGroup:NodeGroup',
  subnet: 'aws:ec2/subnet:Subnet',
  launchTemplate: 'aws:ec2/launchTemplate:LaunchTemplate',
  policy: 'aws:autoscaling/policy:Policy',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  podIdentity: 'aws:eks/podIdentityAssociation:PodIdentityAssociation',
  eksCluster: 'eks:index:Cluster',
  kmsKey: 'aws:kms/key:Key',
  addon: 'aws:eks/addon:Addon',
  release: 'kubernetes:helm.sh/v3:Release',
  configGroup: 'kubernetes:yaml/v2:ConfigGroup',
  asgTag: 'aws:autoscaling/tag:Tag',
} as const;

export function indexPlan(resources: readonly RecordedResource[]): StackPlan {
  return {
    resources,
    ofType: type => resources.filter(resource => resource.type === type),
    get: (type, name) => {
      const found = resources.find(resource => resource.type === type && resource.name === name);
      if (found === undefined) throw new Error(`no ${type} named ${name} in the plan`);
      return found;
    },
  };
}

/**
 * Plans the stack for a loaded spec (imports Pulumi modules lazily, after the mocks).
 * @param deployedSystemNodegroup the system nodegroup as last deployed; default none (a first
 *   deployment).
 * @param deployedAdminAccessEntries the admin access entries as last deployed (key -> principal
 *   ARN); default none.
 */
export async function planStack(
  loaded: LoadedSpec,
  deployedSystemNodegroup?: SystemNodegroupIdentity,
  deployedAdminAccessEntries?: Readonly<Record<string, string>>,
): Promise<StackPlan> {
  const { recordPlan } = await import('../../components/lib/plan');
  const resources = await recordPlan(undefined, async () => {
    const { buildPlatformStack } = await import('../../components/stack');
    buildPlatformStack(loaded, undefined, {
      ...(deployedSystemNodegroup === undefined
        ? {}
        : { systemNodegroup: deployedSystemNodegroup }),
      ...(deployedAdminAccessEntries === undefined
        ? {}
        : { adminAccessEntries: deployedAdminAccessEntries }),
    });
  });
  return indexPlan(resources);
}
