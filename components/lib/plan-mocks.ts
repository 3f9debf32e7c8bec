/**
 * What the mocked cloud answers when the Pulumi program runs with no AWS account (`npm run plan`,
 * the component tests): every resource echoes its inputs, plus the few outputs the program reads
 * (ARNs, the kubeconfig, each nodegroup's Auto Scaling group). Values are fixed, so plans are
 * deterministic.
 *
 * Names behave like the AWS provider's: a resource of a type in `spec/aws-name-limits.ts` whose
 * name property is unset gets the auto-name the provider would give it (logical name, `-`, 7
 * random hex characters), and a name longer than the type allows is a violation, exactly where
 * `pulumi preview` would fail. The 7 characters are random-looking but derived from the type and
 * logical name (the engine, too, seeds them per resource), so plans stay deterministic.
 */
import { createHash } from 'node:crypto';
import {
  AUTO_NAME_CHARSET,
  AUTO_NAME_RANDOM_LENGTH,
  AUTO_NAME_SEPARATOR,
  nameLengthLimit,
  nameLimitOf,
  type NameLimitViolation,
} from '../../spec/aws-name-limits';

export const MOCK_ACCOUNT_ID = '123456789012';
export const MOCK_PARTITION = 'aws';

type State = Record<string, unknown>;

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The organization a file backend gives every stack (what `pulumi.getOrganization()` returns there). */
export const MOCK_ORGANIZATION = 'organization';

/** Type of the resource a program reads a stack's outputs through (a read, never created). */
export const STACK_REFERENCE_TYPE = 'pulumi:pulumi:StackReference';

/** The state the engine gives a StackReference read: the referenced stack's outputs, none secret. */
export function mockStackReferenceState(
  inputs: Record<string, unknown>,
  outputs: Readonly<Record<string, unknown>>,
): { id: string; state: Record<string, unknown> } {
  const name = typeof inputs['name'] === 'string' ? inputs['name'] : '';
  return { id: name, state: { name, outputs: { ...outputs }, secretOutputNames: [] } };
}

/** Name EKS would give the Auto Scaling group of a nodegroup (`eks-<name>-<uuid>`). */
export function mockAsgName(nodegroupName: string): string {
  return `eks-${nodegroupName}-00000000-0000-0000-0000-000000000000`;
}

function mockKubeconfig(clusterName: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server: 'https://mock.eks.invalid' } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    'current-context': clusterName,
    users: [{ name: clusterName, user: { token: 'mock' } }],
  });
}

/** The physical name of a resource as AWS would see it. */
export interface PhysicalName {
  /** Input property that holds it (`name`, `nodeGroupName`, ...). */
  readonly property: string;
  readonly value: string;
  /** `true` when the provider would generate it (the property was unset). */
  readonly autoNamed: boolean;
}

/** The 7-character suffix the mock auto-namer appends for a resource (lowercase hex). */
export function mockAutoNameSuffix(type: string, logicalName: string): string {
  const digest = createHash('sha256').update(`${type}::${logicalName}`).digest();
  return Array.from(
    digest.subarray(0, AUTO_NAME_RANDOM_LENGTH),
    byte => AUTO_NAME_CHARSET[byte % AUTO_NAME_CHARSET.length],
  ).join('');
}

/**
 * The name AWS would see for a resource: the given name property, or the provider's auto-name
 * (prefix such as `alias/`, logical name, `-`, 7 random characters). `undefined` for types without
 * a name limit in `spec/aws-name-limits.ts`, and when the name is not a known string yet.
 */
export function mockPhysicalName(
  type: string,
  logicalName: string,
  inputs: State,
): PhysicalName | undefined {
  const limit = nameLimitOf(type);
  if (limit === undefined) return undefined;
  const given = inputs[limit.nameProperty];
  if (typeof given === 'string')
    return { property: limit.nameProperty, value: given, autoNamed: false };
  if (given !== undefined) return undefined;
  const value = `${limit.autoNamePrefix}${logicalName}${AUTO_NAME_SEPARATOR}${mockAutoNameSuffix(type, logicalName)}`;
  return { property: limit.nameProperty, value, autoNamed: true };
}

/** The name-length violation of a resource, or `undefined` when its name fits its type's limit. */
export function nameLimitViolationOf(
  type: string,
  logicalName: string,
  inputs: State,
): NameLimitViolation | undefined {
  const limit = nameLimitOf(type);
  const physical = mockPhysicalName(type, logicalName, inputs);
  if (limit === undefined || physical === undefined) return undefined;
  const maxLength = nameLengthLimit(type, physical.autoNamed) ?? limit.maxLength;
  if (physical.value.length <= maxLength) return undefined;
  return {
    type,
    logicalName,
    physicalName: physical.value,
    autoNamed: physical.autoNamed,
    length: physical.value.length,
    maxLength,
    enforcedBy: physical.autoNamed ? limit.enforcedBy : 'schema',
  };
}

/**
 * The inputs as the provider's Check step returns them: with the auto-name filled in when the
 * name property was unset. Other types are returned unchanged.
 */
export function withPhysicalName(type: string, logicalName: string, inputs: State): State {
  const physical = mockPhysicalName(type, logicalName, inputs);
  return physical?.autoNamed === true ? { ...inputs, [physical.property]: physical.value } : inputs;
}

/** ID and state of a mocked resource. */
export function mockResourceState(
  type: string,
  name: string,
  givenInputs: State,
): { id: string; state: State } {
  const id = `${name}-id`;
  const inputs = withPhysicalName(type, name, givenInputs);
  switch (type) {
    case 'eks:index:Cluster': {
      const clusterName = str(inputs['name'], name);
      return { id, state: { ...inputs, kubeconfigJson: mockKubeconfig(clusterName) } };
    }
    case 'aws:eks/nodeGroup:NodeGroup': {
      const nodegroupName = str(inputs['nodeGroupName'], name);
      return {
        id,
        state: {
          ...inputs,
          resources: [
            {
              autoscalingGroups: [{ name: mockAsgName(nodegroupName) }],
              remoteAccessSecurityGroupId: '',
            },
          ],
        },
      };
    }
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { id, state: { ...inputs, latestVersion: 1 } };
    case 'aws:iam/role:Role': {
      const roleName = str(inputs['name'], name);
      return {
        id,
        state: {
          ...inputs,
          name: roleName,
          arn: `arn:${MOCK_PARTITION}:iam::${MOCK_ACCOUNT_ID}:role/${roleName}`,
        },
      };
    }
    case 'aws:kms/key:Key':
      return {
        id,
        state: {
          ...inputs,
          keyId: id,
          arn: `arn:${MOCK_PARTITION}:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/${id}`,
        },
      };
    default:
      return { id, state: { ...inputs } };
  }
}

/**
 * The zone names a mocked `aws.getAvailabilityZones` answers: the `zone-name` filter's values
 * (every zone asked about exists) unless `availableZones` is given, then those of them listed
 * there (all of `availableZones` when nothing is filtered).
 */
function mockAvailableZoneNames(
  inputs: State,
  availableZones: readonly string[] | undefined,
): string[] {
  const filters = Array.isArray(inputs['filters']) ? (inputs['filters'] as State[]) : [];
  const zoneFilter = filters.find(filter => filter['name'] === 'zone-name');
  const asked = Array.isArray(zoneFilter?.['values'])
    ? (zoneFilter['values'] as unknown[]).map(value => String(value))
    : undefined;
  if (availableZones === undefined) return asked ?? [];
  if (asked === undefined) return [...availableZones];
  return asked.filter(zone => availableZones.includes(zone));
}

/**
 * Answers of the provider functions the program calls.
 * @param availableZones the zones `aws.getAvailabilityZones` lists; by default every zone asked
 *   about by name.
 */
export function mockCallResult(
  token: string,
  inputs: State,
  availableZones?: readonly string[],
): State {
  switch (token) {
    case 'aws:index/getAvailabilityZones:getAvailabilityZones': {
      const names = mockAvailableZoneNames(inputs, availableZones);
      return {
        ...inputs,
        id: 'mock-region',
        names,
        zoneIds: names.map((_, index) => `mock-az${index + 1}`),
        groupNames: [],
      };
    }
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:${MOCK_PARTITION}:iam::${MOCK_ACCOUNT_ID}:user/plan`,
        userId: 'plan',
      };
    case 'aws:index/getPartition:getPartition':
      return { partition: MOCK_PARTITION, dnsSuffix: 'amazonaws.com' };
    case 'aws:eks/getCluster:getCluster':
      // An existing cluster (cluster.existing): read, never created.
      return {
        name: inputs['name'],
        arn: `arn:${MOCK_PARTITION}:eks:us-east-1:${MOCK_ACCOUNT_ID}:cluster/${String(inputs['name'])}`,
        endpoint: `https://${String(inputs['name'])}.eks.mock.invalid`,
        certificateAuthorities: [{ data: 'bW9jay1jbHVzdGVyLWNh' }],
        status: 'ACTIVE',
      };
    default:
      return inputs;
  }
}
