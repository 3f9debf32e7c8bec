/**
 * Runs a Pulumi program under mocks and records every resource it registers: type, name, parent,
 * resolved inputs, and the options that matter for review (dependsOn, ignoreChanges, provider).
 * Used by `npm run plan` and by the stack tests.
 *
 * Inputs are recorded as the AWS provider's Check step would return them, with auto-names filled
 * in; a name longer than its type allows fails the plan with a {@link NameLimitError}, as
 * `pulumi preview` would.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import {
  formatNameLimitViolation,
  nameLimitOf,
  type NameLimitViolation,
} from '../../spec/aws-name-limits';
import {
  mockCallResult,
  mockResourceState,
  MOCK_ORGANIZATION,
  mockStackReferenceState,
  nameLimitViolationOf,
  STACK_REFERENCE_TYPE,
  withPhysicalName,
} from './plan-mocks';

export { MOCK_ORGANIZATION, mockStackReferenceState, STACK_REFERENCE_TYPE } from './plan-mocks';

export const PROJECT_NAME = 'kafka-eks-autoscaling';
export const SPEC_CONFIG_KEY = `${PROJECT_NAME}:spec`;
const STACK_PARENT = '(stack)';

/** One resource the program registers, as `npm run plan --json` prints it. */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** Name of the parent resource, `(stack)` for top-level resources. */
  readonly parent: string;
  /** Inputs after every dependency resolved (mocked outputs where the cloud would answer). */
  readonly inputs: Record<string, unknown>;
}

/** A planned resource with the options tests assert on. */
export interface RecordedResource extends PlannedResource {
  /** Names of the resources it explicitly depends on. */
  readonly dependsOn: readonly string[];
  readonly ignoreChanges: readonly string[];
}

interface Registration {
  type: string;
  name: string;
  parent: string;
  dependsOn: string[];
  ignoreChanges: string[];
}

function keyOf(type: string, name: string): string {
  return `${type}::${name}`;
}

/**
 * The plan registered resources whose names AWS would reject: too long for their type, auto-named
 * or given. `violations` lists each with its generated name, length and limit.
 */
export class NameLimitError extends Error {
  constructor(readonly violations: readonly NameLimitViolation[]) {
    super(
      [
        `${violations.length} resource name(s) would fail \`pulumi preview\`:`,
        ...violations.map(violation => `  ${formatNameLimitViolation(violation)}`),
      ].join('\n'),
    );
    this.name = 'NameLimitError';
  }
}

/**
 * The working directory the Pulumi engine starts the program in: the folder that holds `main` of
 * the project's `Pulumi.yaml` (the project root since `main` is `index.ts`; it was `stacks/` while
 * `main` was `stacks/index.ts`). Checked under the real engine by
 * test/engine/root-directory.test.ts.
 */
export function engineWorkingDirectory(): string {
  const projectRoot = resolve(__dirname, '..', '..');
  const project = parse(readFileSync(join(projectRoot, 'Pulumi.yaml'), 'utf8')) as {
    main?: unknown;
  };
  const main = typeof project.main === 'string' ? project.main : '.';
  return dirname(resolve(projectRoot, main));
}

/**
 * The `region` of the spec file at `specFile` (relative to `projectRoot`, as the program resolves
 * it), or undefined when the file cannot be read or names no region (the program then reports it).
 */
function specRegionOf(projectRoot: string, specFile: string): string | undefined {
  try {
    const spec = parse(readFileSync(resolve(projectRoot, specFile), 'utf8')) as unknown;
    const region = (spec as { region?: unknown } | null)?.region;
    return typeof region === 'string' ? region : undefined;
  } catch {
    return undefined;
  }
}

/** What a StackReference reads under the mocks: the referenced stack's outputs. */
export interface PlanOptions {
  /**
   * Outputs of the stack's last deployment, as a StackReference to it reads them (the program
   * reads `zoneOrder` there, stacks/index.ts).
   * @default {} - a first deployment
   */
  readonly lastDeploymentOutputs?: Readonly<Record<string, unknown>>;
  /**
   * The zones `aws.getAvailabilityZones` lists (the program refuses a spec zone not among them).
   * @default - every zone the program asks about by name is listed
   */
  readonly availableZones?: readonly string[];
}

/**
 * Sets up mocks, runs `program` inside a Pulumi stack, and returns what it registered, in
 * construction order. `specFile` is put into the stack config under `kafka-eks-autoscaling:spec`.
 * The program runs with the working directory the engine would give it
 * ({@link engineWorkingDirectory}), so a path resolved against the working directory fails here
 * as it would under `pulumi up`; the caller's working directory is restored afterwards.
 *
 * A StackReference the program reads is answered with `options.lastDeploymentOutputs` and is not
 * in the result: `pulumi up` reads it and creates nothing for it.
 */
export async function recordPlan(
  specFile: string | undefined,
  program: () => Promise<void>,
  options: PlanOptions = {},
): Promise<RecordedResource[]> {
  const inputs = new Map<string, Record<string, unknown>>();
  const violations: NameLimitViolation[] = [];
  let programError: unknown;
  const registrations: Registration[] = [];
  const names = new Map<pulumi.Resource, string>();
  await pulumi.runtime.setMocks(
    {
      newResource: args => {
        if (args.type === STACK_REFERENCE_TYPE) {
          return mockStackReferenceState(
            args.inputs as Record<string, unknown>,
            options.lastDeploymentOutputs ?? {},
          );
        }
        const key = keyOf(args.type, args.name);
        if (inputs.has(key)) {
          throw new Error(
            `two resources of type ${args.type} are named ${args.name}; names must be unique per type`,
          );
        }
        const given = args.inputs as Record<string, unknown>;
        inputs.set(key, withPhysicalName(args.type, args.name, given));
        const violation = nameLimitViolationOf(args.type, args.name, given);
        if (violation !== undefined) violations.push(violation);
        return mockResourceState(args.type, args.name, given);
      },
      call: args =>
        mockCallResult(args.token, args.inputs as Record<string, unknown>, options.availableZones),
    },
    PROJECT_NAME,
    'plan',
    false,
    MOCK_ORGANIZATION,
  );
  if (specFile !== undefined) {
    pulumi.runtime.setConfig(SPEC_CONFIG_KEY, specFile);
    // The plan stands for the stack that deploys this spec, whose `aws:region` must be the spec's
    // (KafkaEksPlatform refuses any other); the shell's AWS_REGION says nothing about that stack.
    const region = specRegionOf(resolve(__dirname, '..', '..'), specFile);
    if (region !== undefined) pulumi.runtime.setConfig('aws:region', region);
  }
  const nameOf = (resource: pulumi.Resource | undefined): string =>
    resource === undefined ? STACK_PARENT : (names.get(resource) ?? STACK_PARENT);
  const callerDirectory = process.cwd();
  process.chdir(engineWorkingDirectory());
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(args => {
        if (args.type === STACK_REFERENCE_TYPE) return undefined;
        names.set(args.resource, args.name);
        const dependsOn = args.opts.dependsOn;
        const dependencies = Array.isArray(dependsOn)
          ? (dependsOn as unknown[]).filter((d): d is pulumi.Resource =>
              pulumi.Resource.isInstance(d),
            )
          : pulumi.Resource.isInstance(dependsOn)
            ? [dependsOn]
            : [];
        registrations.push({
          type: args.type,
          name: args.name,
          parent: nameOf(args.opts.parent),
          dependsOn: dependencies.map(resource => nameOf(resource)),
          ignoreChanges: [...(args.opts.ignoreChanges ?? [])],
        });
        return undefined;
      });
      // A program error rejects the plan (instead of escaping as an unhandled rejection).
      try {
        await program();
      } catch (error) {
        programError = error;
      }
    });
  } finally {
    process.chdir(callerDirectory);
  }
  await pulumi.runtime.disconnect();
  if (programError !== undefined) throw programError;
  if (violations.length > 0) throw new NameLimitError(violations);
  return registrations.map(registration => ({
    ...registration,
    inputs: inputs.get(keyOf(registration.type, registration.name)) ?? {},
  }));
}

/** The few inputs a reviewer looks at first, per resource type. */
const KEY_INPUTS: Readonly<Record<string, readonly string[]>> = {
  'aws:ec2/vpc:Vpc': ['cidrBlock'],
  'aws:ec2/subnet:Subnet': ['availabilityZone', 'cidrBlock'],
  'aws:ec2/natGateway:NatGateway': ['subnetId'],
  'eks:index:Cluster': [
    'name',
    'version',
    'endpointPrivateAccess',
    'endpointPublicAccess',
    'publicAccessCidrs',
    'enabledClusterLogTypes',
  ],
  'aws:eks/addon:Addon': ['addonName', 'addonVersion'],
  'aws:eks/nodeGroup:NodeGroup': ['nodeGroupName', 'instanceTypes', 'subnetIds', 'scalingConfig'],
  'aws:ec2/launchTemplate:LaunchTemplate': ['metadataOptions'],
  'aws:autoscaling/policy:Policy': ['autoscalingGroupName', 'targetTrackingConfiguration'],
  'aws:autoscaling/tag:Tag': ['autoscalingGroupName', 'tag'],
  'aws:eks/podIdentityAssociation:PodIdentityAssociation': ['namespace', 'serviceAccount'],
  'kubernetes:helm.sh/v3:Release': ['chart', 'version', 'namespace'],
  'aws:kms/key:Key': ['enableKeyRotation'],
};

function compact(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? '';
}

/** One-line summary of a resource's key inputs. */
export function keyInputsOf(resource: PlannedResource): string {
  if (resource.type === 'kubernetes:yaml/v2:ConfigGroup') {
    const objects = resource.inputs['objs'];
    return `objs=${Array.isArray(objects) ? objects.length : 0}`;
  }
  const nameProperty = nameLimitOf(resource.type)?.nameProperty;
  const typeKeys = KEY_INPUTS[resource.type] ?? [];
  // The name AWS sees comes first for every type with a name limit.
  const keys =
    nameProperty === undefined || typeKeys.includes(nameProperty)
      ? typeKeys
      : [nameProperty, ...typeKeys];
  return keys
    .filter(key => resource.inputs[key] !== undefined)
    .map(key => `${key}=${compact(resource.inputs[key])}`)
    .join(' ');
}

/** The plan as an aligned text table, one resource per line, and a count. */
export function formatPlanTable(resources: readonly PlannedResource[]): string {
  const rows = resources.map(resource => [
    resource.type,
    resource.name,
    resource.parent,
    keyInputsOf(resource),
  ]);
  const header = ['TYPE', 'NAME', 'PARENT', 'KEY INPUTS'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map(row => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line), '', `${resources.length} resources`].join('\n');
}

/** The JSON form: exactly `{type, name, parent, inputs}` per resource. */
export function planJson(resources: readonly PlannedResource[]): PlannedResource[] {
  return resources.map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs }));
}
