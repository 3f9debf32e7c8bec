/** The Pulumi program itself (`stacks/index.ts`) and `npm run plan`. */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import {
  DEFAULT_SPEC_PATH,
  PROJECT_ROOT,
  projectRootFrom,
  resolveProjectPath,
  specFileFromConfig,
} from '../../stacks/defaults';
import { indexPlan } from '../components/plan-fixture';

const ROOT = join(__dirname, '..', '..');

/** A stack export as the engine stores it: an Output resolved under the mocks, or a plain value. */
function exportValue(value: unknown): Promise<unknown> {
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { apply?: unknown }).apply === 'function'
  ) {
    return new Promise(resolve => {
      (value as { apply(callback: (inner: unknown) => unknown): unknown }).apply(inner => {
        resolve(inner);
        return inner;
      });
    });
  }
  return Promise.resolve(value);
}
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** The `kafka-eks-autoscaling:spec` default declared in Pulumi.yaml. */
function pulumiYamlSpecDefault(): string {
  const project = parse(readFileSync(join(ROOT, 'Pulumi.yaml'), 'utf8')) as {
    config: { spec: { default: string } };
  };
  return project.config.spec.default;
}

/** The `kafka-eks-autoscaling:spec` value of a stack file such as Pulumi.dev.yaml. */
function stackSpecValue(file: string): string {
  const stack = parse(readFileSync(join(ROOT, file), 'utf8')) as {
    config: Record<string, string>;
  };
  const value = stack.config['kafka-eks-autoscaling:spec'];
  if (value === undefined) throw new Error(`${file} sets no kafka-eks-autoscaling:spec`);
  return value;
}

/**
 * Runs stacks/index.ts under mocks the way the engine runs it: with the working directory set to
 * the folder that holds `main` (stacks/), and `specConfig` exactly as a user sets it in stack config.
 */
async function runProgramFromStacksFolder(specConfig: string): Promise<Record<string, unknown>> {
  const previous = process.cwd();
  process.chdir(join(ROOT, 'stacks'));
  try {
    let exported: Record<string, unknown> = {};
    await jest.isolateModulesAsync(async () => {
      const { recordPlan } = await import('../../components/lib/plan');
      await recordPlan(specConfig, async () => {
        const { default: program } = await import('../../stacks/index');
        exported = { ...(await program()) };
      });
    });
    return exported;
  } finally {
    process.chdir(previous);
  }
}

describe('relative paths in stack config resolve against the project root', () => {
  it('Pulumi.yaml declares the same default spec path the program falls back to', () => {
    expect(pulumiYamlSpecDefault()).toBe(DEFAULT_SPEC_PATH);
  });

  it('runs the Pulumi.yaml default (stacks/prod.yaml) from stacks/, as the engine does', async () => {
    const exported = await runProgramFromStacksFolder(pulumiYamlSpecDefault());
    expect(await exportValue(exported['clusterName'])).toBe('orders');
  });

  it('runs the spec set in Pulumi.dev.yaml (stacks/dev.yaml) from stacks/, as the engine does', async () => {
    const exported = await runProgramFromStacksFolder(stackSpecValue('Pulumi.dev.yaml'));
    expect(await exportValue(exported['clusterName'])).toBe('orders-dev');
  });

  it('takes the engine root directory when it is absolute, the folder of Pulumi.yaml otherwise', () => {
    expect(projectRootFrom('/srv/project')).toBe('/srv/project');
    // Under mocks the SDK answers a placeholder; the fallback is the folder of Pulumi.yaml.
    expect(projectRootFrom('rootDirectory')).toBe(ROOT);
    expect(projectRootFrom('')).toBe(ROOT);
    expect(projectRootFrom(undefined)).toBe(PROJECT_ROOT);
  });

  it('property: a relative path resolves under the project root whatever the working directory; an absolute one is kept', () => {
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/);
    const previous = process.cwd();
    process.chdir(join(ROOT, 'stacks'));
    try {
      fc.assert(
        fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), segments => {
          const path = segments.join('/');
          expect(resolveProjectPath(path, ROOT)).toBe(join(ROOT, ...segments));
          expect(resolveProjectPath(`/abs/${path}`, ROOT)).toBe(join('/abs', ...segments));
        }),
      );
    } finally {
      process.chdir(previous);
    }
  });
});

describe('a spec path that does not name a file', () => {
  it('names the config key, the value as set, the resolved path and the fix', () => {
    const { problem } = specFileFromConfig('stacks/nope.yaml', ROOT);
    expect(problem).toContain('kafka-eks-autoscaling:spec is "stacks/nope.yaml"');
    expect(problem).toContain(`resolves to ${join(ROOT, 'stacks', 'nope.yaml')}`);
    expect(problem).toContain('does not exist');
    expect(problem).toContain('Fix: pulumi config set kafka-eks-autoscaling:spec <spec file>');
  });

  it('says when the Pulumi.yaml default was used, and rejects a folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spec-root-'));
    expect(specFileFromConfig(undefined, dir).problem).toContain(
      'kafka-eks-autoscaling:spec is not set, and its default "stacks/prod.yaml"',
    );
    expect(specFileFromConfig('stacks', ROOT).problem).toContain('is not a file');
    expect(specFileFromConfig('stacks/dev.yaml', ROOT)).toEqual({
      file: join(ROOT, 'stacks', 'dev.yaml'),
    });
  });

  it('stops the program with that message alone (a RunError: no stack trace under the engine)', async () => {
    const pulumi = await import('@pulumi/pulumi');
    const failure = runProgramFromStacksFolder('dev.yaml');
    await expect(failure).rejects.toThrow(
      `kafka-eks-autoscaling:spec is "dev.yaml", which resolves to ${join(ROOT, 'dev.yaml')}`,
    );
    await failure.catch((error: unknown) => {
      expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    });
  });
});

describe('stacks/index.ts', () => {
  it('builds the spec named in the stack config and exports the outputs', async () => {
    let exported: Record<string, unknown> = {};
    let resources: Awaited<ReturnType<typeof import('../../components/lib/plan').recordPlan>> = [];
    await jest.isolateModulesAsync(async () => {
      const { recordPlan } = await import('../../components/lib/plan');
      resources = await recordPlan(join(ROOT, 'stacks', 'dev.yaml'), async () => {
        const { default: program } = await import('../../stacks/index');
        exported = { ...(await program()) };
      });
    });
    const plan = indexPlan(resources);
    expect(plan.ofType('eks:index:Cluster')[0]?.inputs['name']).toBe('orders-dev');
    // The six exports of earlier versions, now the platform component's outputs, and zoneOrder
    // kubernetesVersion, nodeInstanceTypes and statefulIdentity, which the next run reads back
    // (components/lib/zone-order-guard.ts; earlier versions read the first three).
    expect(Object.keys(exported).sort()).toEqual(
      [
        'bootstrapAddress',
        'clusterName',
        'controllerPolicyJson',
        'externalBootstrapService',
        'kubeconfig',
        'zones',
        'zoneOrder',
        'kubernetesVersion',
        'nodeInstanceTypes',
        'statefulIdentity',
        'systemNodegroup',
        'adminAccessEntries',
      ].sort(),
    );
    expect(exported['systemNodegroup']).toEqual({
      name: 'orders-dev-system',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    expect(exported['statefulIdentity']).toMatchObject({
      name: 'orders-dev',
      region: 'us-east-1',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      'cluster.vpcCidr': '10.0.0.0/16',
      'kafka.namespace': 'kafka',
    });
    expect(exported['kubernetesVersion']).toBe('1.34');
    expect(exported['nodeInstanceTypes']).toEqual({
      'nodes.kafka.instanceType': 'm6i.large',
      'nodes.system.instanceType': 'm6i.large',
    });
    expect(exported['zoneOrder']).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    expect(await exportValue(exported['clusterName'])).toBe('orders-dev');
    expect(await exportValue(exported['bootstrapAddress'])).toBe(
      'orders-dev-kafka-bootstrap.kafka.svc:9093',
    );
    const zones = (await exportValue(exported['zones'])) as Record<string, unknown>;
    expect(Object.keys(zones)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    // The zone's nodegroup as the plan creates it (EKS name), with its Auto Scaling group.
    const nodeGroupNames = plan
      .ofType('aws:eks/nodeGroup:NodeGroup')
      .map(group => group.inputs['nodeGroupName']);
    expect(zones['us-east-1a']).toEqual({
      nodegroupName: 'orders-dev-kafka-a',
      autoScalingGroupName: expect.any(String),
    });
    expect(nodeGroupNames).toContain('orders-dev-kafka-a');
  });

  it('logs each spec warning once, on the stack, before its first AWS call (the zone check)', async () => {
    // A preview that stops at the first AWS call (no credentials, a refused zone) showed none of
    // them while the component logged them: it is built after that call.
    const logged: Array<{ message: string; resource: unknown; beforeZoneCheck: boolean }> = [];
    let expected: string[] = [];
    await jest.isolateModulesAsync(async () => {
      const pulumiSdk = await import('@pulumi/pulumi');
      const { formatIssue } = await import('../../spec/errors');
      const { loadSpecFile } = await import('../../spec/load');
      const zones = await import('../../components/lib/available-zones');
      const { recordPlan } = await import('../../components/lib/plan');
      const specFile = join(ROOT, 'stacks', 'prod.yaml');
      expected = loadSpecFile(specFile).warnings.map(formatIssue);
      let zoneChecked = false;
      const zoneSpy = jest
        .spyOn(zones, 'refuseUnavailableZones')
        .mockImplementation(async () => void (zoneChecked = true));
      const warnSpy = jest
        .spyOn(pulumiSdk.log, 'warn')
        .mockImplementation(
          async (message, resource) =>
            void logged.push({ message, resource, beforeZoneCheck: !zoneChecked }),
        );
      try {
        await recordPlan(specFile, async () => {
          const { default: program } = await import('../../stacks/index');
          await program();
        });
      } finally {
        warnSpy.mockRestore();
        zoneSpy.mockRestore();
      }
    });
    expect(expected.some(line => line.startsWith('controller.image'))).toBe(true);
    for (const line of expected) {
      const entries = logged.filter(entry => entry.message === line);
      expect({ line, count: entries.length }).toEqual({ line, count: 1 });
      expect(entries[0]?.resource).toBeUndefined();
      expect(entries[0]?.beforeZoneCheck).toBe(true);
    }
  });

  it('creates one KafkaEksPlatform named after the spec, whose components alias their URNs of earlier versions', async () => {
    // GIVEN the program run under mocks with the dev spec
    const { recordTree } = await import('../util/resource-tree');
    let nodes: Awaited<ReturnType<typeof recordTree>> = [];
    await jest.isolateModulesAsync(async () => {
      nodes = await recordTree(join(ROOT, 'stacks', 'dev.yaml'), async () => {
        const { default: program } = await import('../../stacks/index');
        await program();
      });
    });

    // THEN the stack has one child, the platform
    const topLevel = nodes.filter(node => node.parent === null);
    expect(topLevel.map(node => `${node.type}::${node.name}`)).toEqual([
      'kafka-eks:index:KafkaEksPlatform::orders-dev',
    ]);
    // AND each component directly under it answers to its root URN of earlier versions
    // (aliasRootResources: true; what the engine does with that: test/engine/aliases.test.ts)
    const platform = nodes.indexOf(topLevel[0] as (typeof nodes)[number]);
    const components = nodes.filter(node => node.parent === platform);
    expect(components.map(node => node.type)).toEqual([
      'kafka-eks:index:Network',
      'kafka-eks:index:Cluster',
      'kafka-eks:index:Nodegroups',
      'kafka-eks:index:EbsCsiDriver',
      'kafka-eks:index:Scaling',
      'kafka-eks:index:Platform',
      'kafka-eks:index:ClusterAutoscaler',
    ]);
    expect(components.every(node => node.aliasNoParent)).toBe(true);
    expect(nodes.filter(node => node.aliasNoParent)).toHaveLength(components.length);
  });
});

/**
 * Runs the program with the dev spec (zones us-east-1a, b, c) under mocks whose StackReference
 * to the stack's own last deployment reads `lastDeploymentOutputs`; the error it threw (if any)
 * and the resources it registered (`type::name`).
 */
async function runAfter(lastDeploymentOutputs: Record<string, unknown>): Promise<{
  error: unknown;
  registered: string[];
  exported: Record<string, unknown>;
  resources: Awaited<ReturnType<typeof import('../../components/lib/plan').recordPlan>>;
}> {
  let error: unknown;
  let registered: string[] = [];
  let exported: Record<string, unknown> = {};
  let resources: Awaited<ReturnType<typeof import('../../components/lib/plan').recordPlan>> = [];
  await jest.isolateModulesAsync(async () => {
    const { recordPlan } = await import('../../components/lib/plan');
    resources = await recordPlan(
      join(ROOT, 'stacks', 'dev.yaml'),
      async () => {
        const { default: program } = await import('../../stacks/index');
        try {
          exported = { ...(await program()) };
        } catch (caught) {
          error = caught;
        }
      },
      { lastDeploymentOutputs },
    );
    registered = resources.map(resource => `${resource.type}::${resource.name}`);
  });
  return { error, registered, exported, resources };
}

describe('zones against the last deployment (stack output zoneOrder)', () => {
  it('throws before registering anything when the zones were reordered (a RunError naming zones, both lists and the fix)', async () => {
    const { error, registered } = await runAfter({
      clusterName: 'orders-dev',
      zoneOrder: ['us-east-1b', 'us-east-1a', 'us-east-1c'],
    });

    const pulumi = await import('@pulumi/pulumi');
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/^zones: \["us-east-1a", "us-east-1b", "us-east-1c"\] does not keep/);
    expect(message).toContain(
      '["us-east-1b", "us-east-1a", "us-east-1c"] (stack output zoneOrder)',
    );
    expect(message).toContain('Fix: use zones ["us-east-1b", "us-east-1a", "us-east-1c"]');
    expect(registered).toEqual([]);
  });

  it('throws when a zone of the last deployment was removed from the middle', async () => {
    const { error, registered } = await runAfter({
      zoneOrder: ['us-east-1a', 'us-east-1d', 'us-east-1b', 'us-east-1c'],
    });
    expect((error as Error).message).toContain(
      'position 2 holds "us-east-1b" instead of "us-east-1d" (which leaves zones)',
    );
    expect(registered).toEqual([]);
  });

  it('runs for a zone appended at the end, an unchanged list, a first deployment and one made before zoneOrder existed', async () => {
    for (const outputs of [
      { zoneOrder: ['us-east-1a', 'us-east-1b'] },
      { zoneOrder: ['us-east-1a', 'us-east-1b', 'us-east-1c'] },
      {},
      { clusterName: 'orders-dev' },
    ]) {
      const { error, registered } = await runAfter(outputs);
      expect(error).toBeUndefined();
      expect(registered[0]).toBe('kafka-eks:index:KafkaEksPlatform::orders-dev');
      expect(registered.length).toBeGreaterThan(50);
    }
  });

  it('stops, naming the output, when zoneOrder is not a list of zone names', async () => {
    const { error, registered } = await runAfter({ zoneOrder: 'us-east-1a' });
    const pulumi = await import('@pulumi/pulumi');
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    expect((error as Error).message).toContain(
      'stack output zoneOrder of the last deployment is "us-east-1a", not a list of zone names',
    );
    expect(registered).toEqual([]);
  });
});

describe('cluster.kubernetesVersion against the last deployment (stack output kubernetesVersion)', () => {
  // EKS upgrades one minor version at a time and never downgrades ("Unsupported Kubernetes minor
  // version update", terraform-aws-modules/terraform-aws-eks#2607, rancher/rancher#43316); the
  // program registered every resource and left the refusal to EKS, half-way through pulumi up.

  it('throws before registering anything when the spec downgrades the deployed 1.35 to 1.34 (rancher/rancher#43316)', async () => {
    const { error, registered } = await runAfter({ kubernetesVersion: '1.35' });
    const pulumi = await import('@pulumi/pulumi');
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^cluster\.kubernetesVersion: "1\.34" is older than the version the stack last deployed "1\.35" \(stack output kubernetesVersion\), and EKS never downgrades a control plane/,
    );
    expect(registered).toEqual([]);
  });

  it('throws when the spec skips a minor version (terraform-aws-eks#2607), and runs for the next one or the same', async () => {
    const skipped = await runAfter({ kubernetesVersion: '1.32' });
    expect((skipped.error as Error).message).toContain('deploy "1.33", then "1.34" in turn');
    expect(skipped.registered).toEqual([]);
    for (const kubernetesVersion of ['1.33', '1.34']) {
      const { error, registered } = await runAfter({ kubernetesVersion });
      expect(error).toBeUndefined();
      expect(registered.length).toBeGreaterThan(50);
    }
  });
});

describe('nodegroup instance types against the last deployment (stack output nodeInstanceTypes)', () => {
  // EKS cannot change a managed node group's instance type: the node group is replaced under the
  // same name and the creation fails with "NodeGroup already exists" (terraform-aws-eks#1415,
  // #1931, aws/aws-cdk#26931); the program registered everything and left it to EKS.

  it('throws before registering anything when nodes.kafka.instanceType changes from the deployed m6i.xlarge (terraform-aws-eks#1415)', async () => {
    const { error, registered } = await runAfter({
      nodeInstanceTypes: {
        'nodes.kafka.instanceType': 'm6i.xlarge',
        'nodes.system.instanceType': 'm6i.large',
      },
    });
    const pulumi = await import('@pulumi/pulumi');
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^nodes\.kafka\.instanceType: "m6i\.large" differs from "m6i\.xlarge", which the stack last deployed \(stack output nodeInstanceTypes\)/,
    );
    expect(registered).toEqual([]);
  });

  it('runs when the instance types are the deployed ones', async () => {
    const { error, registered } = await runAfter({
      nodeInstanceTypes: { 'nodes.kafka.instanceType': 'm6i.large' },
    });
    expect(error).toBeUndefined();
    expect(registered.length).toBeGreaterThan(50);
  });
});

describe('guarded fields against the last deployment (stack output statefulIdentity)', () => {
  /** What the program exports for stacks/dev.yaml, with `changes` as deployed instead. */
  async function deployedIdentity(changes: Record<string, unknown>): Promise<unknown> {
    const { statefulIdentityOf } = await import('../../spec/stateful-identity');
    const { loadSpecFile } = await import('../../spec/load');
    return {
      ...statefulIdentityOf(loadSpecFile(join(ROOT, 'stacks', 'dev.yaml')).spec),
      ...changes,
    };
  }

  it('throws before registering anything when name and cluster.vpcCidr differ from the deployed ones, one line each', async () => {
    const { error, registered } = await runAfter({
      statefulIdentity: await deployedIdentity({
        name: 'orders',
        'cluster.vpcCidr': '10.1.0.0/16',
      }),
    });
    const pulumi = await import('@pulumi/pulumi');
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    const lines = (error as Error).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^name: "orders-dev" differs from "orders", which the stack was deployed with \(stack output statefulIdentity\)/,
    );
    expect(lines[1]).toMatch(/^cluster\.vpcCidr: "10\.0\.0\.0\/16" differs from "10\.1\.0\.0\/16"/);
    expect(registered).toEqual([]);
  });

  it('prefers statefulIdentity over the older outputs, and runs when it matches the spec', async () => {
    const { error, registered } = await runAfter({
      statefulIdentity: await deployedIdentity({}),
      // an older output that disagrees, even one not of its form, is not read once
      // statefulIdentity is there
      zoneOrder: 'us-east-1c',
    });
    expect(error).toBeUndefined();
    expect(registered.length).toBeGreaterThan(50);
  });

  it('runs on a stack of the earlier program (no statefulIdentity) and warns about what it cannot check', async () => {
    const { error, registered } = await runAfter({
      zoneOrder: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      nodeInstanceTypes: { 'nodes.kafka.instanceType': 'm6i.large' },
      clusterName: 'orders-dev',
    });
    expect(error).toBeUndefined();
    expect(registered.length).toBeGreaterThan(50);
  });

  it('stops, naming the output, when statefulIdentity is not an object of values', async () => {
    const { error, registered } = await runAfter({ statefulIdentity: ['orders-dev'] });
    expect((error as Error).message).toMatch(
      /^stack output statefulIdentity of the last deployment is \["orders-dev"\]/,
    );
    expect(registered).toEqual([]);
  });
});

describe('the system nodegroup against the last deployment (stack output systemNodegroup)', () => {
  /** `nodeGroupName` and `subnetIds` of the planned system nodegroup. */
  function systemGroupIn(
    resources: Awaited<ReturnType<typeof runAfter>>['resources'],
  ): Record<string, unknown> {
    const group = indexPlan(resources).get('aws:eks/nodeGroup:NodeGroup', 'orders-dev-system');
    return { name: group.inputs['nodeGroupName'], subnetIds: group.inputs['subnetIds'] };
  }

  it('keeps the zones an earlier version deployed it in (zoneOrder) when the spec appends one', async () => {
    // GIVEN a deployment of [a, b] by a version without the systemNodegroup output
    // WHEN the spec (dev.yaml) has [a, b, c]
    const { error, resources, exported } = await runAfter({
      zoneOrder: ['us-east-1a', 'us-east-1b'],
      clusterName: 'orders-dev',
    });
    // THEN the system nodegroup keeps its name and its two subnets, and the output records them
    expect(error).toBeUndefined();
    expect(systemGroupIn(resources)).toEqual({
      name: 'orders-dev-system',
      subnetIds: ['orders-dev-private-us-east-1a-id', 'orders-dev-private-us-east-1b-id'],
    });
    expect(exported['systemNodegroup']).toEqual({
      name: 'orders-dev-system',
      zones: ['us-east-1a', 'us-east-1b'],
    });
  });

  it('keeps the recorded group over the zones of statefulIdentity, and moves it under a new name when a zone of it is dropped', async () => {
    const { statefulIdentityOf } = await import('../../spec/stateful-identity');
    const { loadSpecFile } = await import('../../spec/load');
    const identity = statefulIdentityOf(loadSpecFile(join(ROOT, 'stacks', 'dev.yaml')).spec);
    const kept = await runAfter({
      statefulIdentity: identity,
      systemNodegroup: { name: 'orders-dev-system', zones: ['us-east-1a'] },
    });
    expect(kept.error).toBeUndefined();
    expect(systemGroupIn(kept.resources)).toEqual({
      name: 'orders-dev-system',
      subnetIds: ['orders-dev-private-us-east-1a-id'],
    });
    // WHEN the recorded group spans a zone the spec (us-east-1a, b, c) dropped from its end
    const moved = await runAfter({
      statefulIdentity: {
        ...identity,
        zones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'],
      },
      systemNodegroup: {
        name: 'orders-dev-system',
        zones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'],
      },
    });
    // THEN it spans the zones left, under a name of them
    expect(moved.error).toBeUndefined();
    expect(systemGroupIn(moved.resources)).toEqual({
      name: 'orders-dev-system-abc',
      subnetIds: [
        'orders-dev-private-us-east-1a-id',
        'orders-dev-private-us-east-1b-id',
        'orders-dev-private-us-east-1c-id',
      ],
    });
    expect(moved.exported['systemNodegroup']).toEqual({
      name: 'orders-dev-system-abc',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
  });

  it('stops, naming the output, when systemNodegroup is not { name, zones }', async () => {
    const { error, registered } = await runAfter({ systemNodegroup: 'orders-dev-system' });
    const pulumi = await import('@pulumi/pulumi');
    expect(pulumi.RunError.isInstance(error as Error)).toBe(true);
    expect((error as Error).message).toMatch(
      /^stack output systemNodegroup of the last deployment is "orders-dev-system", not \{ name, zones \}/,
    );
    expect(registered).toEqual([]);
  });
});

describe('npm run plan', () => {
  /** What `npm run plan` runs (package.json: `tsx cli/main.ts plan`). */
  function plan(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(TSX, ['cli/main.ts', 'plan', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  let table: { status: number | null; stdout: string; stderr: string };
  beforeAll(() => {
    table = plan([]);
  });

  it('prints every resource as JSON with type, name, parent and inputs', () => {
    const result = plan(['--config', 'stacks/prod.yaml', '--json']);
    expect(result.status).toBe(0);
    const resources = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(resources.length).toBeGreaterThan(50);
    for (const resource of resources) {
      expect(Object.keys(resource)).toEqual(['type', 'name', 'parent', 'inputs']);
    }
    const kafkaGroups = resources.filter(
      r =>
        r['type'] === 'aws:eks/nodeGroup:NodeGroup' &&
        String((r['inputs'] as Record<string, unknown>)['nodeGroupName']).includes('-kafka-'),
    );
    expect(kafkaGroups).toHaveLength(3);
    // Auto-named resources carry the name AWS would see, as the provider's Check returns it.
    const nodeRole = resources.find(
      r => r['type'] === 'aws:iam/role:Role' && r['name'] === 'orders-node',
    );
    expect((nodeRole?.['inputs'] as Record<string, unknown>)['name']).toMatch(
      /^orders-node-[0-9a-f]{7}$/,
    );
  });

  it('prints a table by default', () => {
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^TYPE\s+NAME\s+PARENT\s+KEY INPUTS$/);
    expect(table.stdout).toMatch(/\d+ resources\n$/);
  });

  it('shows the name AWS would see for auto-named resources', () => {
    expect(table.stdout).toMatch(
      /aws:iam\/role:Role\s+orders-node\s+orders\s+name=orders-node-[0-9a-f]{7}\n/,
    );
  });

  it('fails like pulumi up when an auto-name is too long: the Cluster Autoscaler role of payments-platform-eu-central-prod is 65 > 64', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'long-name.yaml');
    const prod = readFileSync(join(ROOT, 'stacks', 'prod.yaml'), 'utf8');
    writeFileSync(file, prod.replace(/^name: .*$/m, 'name: payments-platform-eu-central-prod'));
    const result = plan(['--config', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    // The spec-time name check (spec/rules.ts) and the mock plan's auto-naming
    // (components/lib/plan.ts) both name the resource, the generated name, its length and the limit.
    expect(result.stderr).toMatch(
      /"payments-platform-eu-central-prod-cluster-autoscaler-role-[0-9a-f]{7}" is 65 characters, over (the|its) limit of 64/,
    );
    expect(result.stderr).toContain('Nothing was written.');
  });

  it('fails with the same problems as synth on an invalid spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: x\nregion: us-east-1\nzones: [us-east-1a]\nkafka: { brokers: 0 }\n');
    const result = plan(['--config', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('kafka.brokers: 0 is too few');
    expect(result.stderr).toContain('Nothing was written.');
  });
});
