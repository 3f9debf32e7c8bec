/**
 * The system nodegroup across permitted `zones` edits, judged by the real Pulumi engine: a zone
 * appended leaves it unchanged, and a zone of it dropped replaces it under a new name, which the
 * engine creates before it deletes the old one; without the deployed group (the program of
 * earlier versions) the append replaces it under the same name, and `pulumi up` fails as EKS does.
 *
 * The AWS provider plugin cannot be had here (see preview.test.ts), so the nodegroup's inputs come
 * from the platform's program under Pulumi mocks (`buildPlatformStack` with the deployed group, as
 * stacks/index.ts passes it), and test/engine/system-nodegroup-program stands in for the resource:
 * a dynamic resource whose provider answers as the Terraform AWS provider and EKS do
 * (`nodeGroupName` and `subnetIds` force a replacement; a name in use cannot be created again).
 * The plan (same, replace) and its order (create before delete) are the engine's own.
 * Cost: four `up`s and two previews on a file backend.
 */
import { chmodSync, copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { SystemNodegroupIdentity } from '../../spec/system-nodegroup';
import { createSandbox, engineBinaries, mustRun, REPO_ROOT, type EngineSandbox } from './engine';

const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;
const PROJECT = 'kafka-eks-system-nodegroup';
const ZONES = ['a', 'b', 'c', 'd'].map(letter => `us-east-1${letter}`);

/** `nodeGroupName` and `subnetIds` of the system nodegroup the program plans for dev.yaml. */
interface Planned {
  readonly nodeGroupName: string;
  readonly subnetIds: string[];
}

/**
 * Plans stacks/dev.yaml with its first `zoneCount` zones under mocks, the way stacks/index.ts
 * builds it after a deployment that left `deployed`; the system nodegroup's inputs.
 */
async function planSystemNodegroup(
  zoneCount: number,
  deployed: SystemNodegroupIdentity | undefined,
): Promise<Planned> {
  const raw = parse(readFileSync(join(REPO_ROOT, 'stacks', 'dev.yaml'), 'utf8')) as Record<
    string,
    unknown
  > & { kafka: Record<string, unknown> };
  raw['zones'] = ZONES.slice(0, zoneCount);
  raw.kafka['brokers'] = zoneCount === 2 ? 4 : zoneCount;
  let planned: Planned | undefined;
  await jest.isolateModulesAsync(async () => {
    const { parseSpec } = await import('../../spec/load');
    const { planStack, TYPES } = await import('../components/plan-fixture');
    const plan = await planStack(parseSpec(raw), deployed);
    const inputs = plan.get(TYPES.nodegroup, 'orders-dev-system').inputs;
    planned = {
      nodeGroupName: inputs['nodeGroupName'] as string,
      subnetIds: inputs['subnetIds'] as string[],
    };
  });
  if (planned === undefined) throw new Error('the plan registered no system nodegroup');
  return planned;
}

/** The group as the stack output `systemNodegroup` records it, read back from planned inputs. */
function recordOf(planned: Planned): SystemNodegroupIdentity {
  return {
    name: planned.nodeGroupName,
    zones: planned.subnetIds.map(id => id.replace(/^orders-dev-private-(.+)-id$/, '$1')),
  };
}

interface PreviewStep {
  readonly op: string;
  readonly urn: string;
}

describeEngine('the system nodegroup across zones edits, under the real engine', () => {
  let sandbox: EngineSandbox;

  /** Writes the planned inputs where the stand-in program reads them, with the stack's fake EKS. */
  function use(planned: Planned, stack: string): void {
    writeFileSync(
      join(sandbox.projectDir, 'nodegroup.json'),
      JSON.stringify({ ...planned, eksState: join(sandbox.projectDir, `eks-${stack}.json`) }),
    );
  }

  function namesInUse(stack: string): string[] {
    return JSON.parse(
      readFileSync(join(sandbox.projectDir, `eks-${stack}.json`), 'utf8'),
    ) as string[];
  }

  /** The ops `pulumi preview` plans for the nodegroup. */
  async function previewOps(): Promise<string[]> {
    const result = await mustRun(sandbox, [
      'preview',
      '--json',
      '--show-sames',
      '--non-interactive',
    ]);
    return (JSON.parse(result.stdout) as { steps: PreviewStep[] }).steps
      .filter(step => step.urn.endsWith('::orders-dev-system'))
      .map(step => step.op);
  }

  const up = (): Promise<unknown> =>
    mustRun(sandbox, ['up', '--yes', '--skip-preview', '--non-interactive']);

  beforeAll(async () => {
    if (binaries === undefined) return;
    sandbox = await createSandbox(binaries, { copyProject: false });
    const dir = sandbox.projectDir;
    writeFileSync(
      join(dir, 'Pulumi.yaml'),
      `name: ${PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
    );
    writeFileSync(join(dir, 'package.json'), `{ "name": "${PROJECT}", "private": true }\n`);
    copyFileSync(join(__dirname, 'system-nodegroup-program', 'index.ts'), join(dir, 'index.ts'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // The dynamic provider's plugin, as in aliases.test.ts.
    const plugin = join(sandbox.binDir, 'pulumi-resource-pulumi-nodejs');
    const provider = join(
      REPO_ROOT,
      'node_modules',
      '@pulumi',
      'pulumi',
      'cmd',
      'dynamic-provider',
    );
    writeFileSync(plugin, `#!/bin/sh\nexec node "${provider}" "$@"\n`);
    chmodSync(plugin, 0o755);
  });
  afterAll(() => sandbox?.dispose());

  it('a zone appended plans no change to the system nodegroup; a zone of it dropped replaces it under a new name, and up succeeds', async () => {
    // GIVEN a stack deployed across three zones
    await mustRun(sandbox, ['stack', 'init', 'fixed']);
    const three = await planSystemNodegroup(3, undefined);
    use(three, 'fixed');
    await up();
    const deployed = recordOf(three);
    expect(deployed).toEqual({ name: 'orders-dev-system', zones: ZONES.slice(0, 3) });

    // WHEN a zone is appended, planned against the deployed group
    use(await planSystemNodegroup(4, deployed), 'fixed');
    // THEN the engine plans nothing for it
    expect(await previewOps()).toEqual(['same']);
    await up();

    // WHEN a zone the group spans is dropped (us-east-1c and us-east-1d, from the end)
    const two = await planSystemNodegroup(2, deployed);
    expect(two.nodeGroupName).toBe('orders-dev-system-ab');
    use(two, 'fixed');
    // THEN the engine replaces it, and up succeeds with only the new name left: the new group was
    // created while the old one still held its name (the fake EKS refuses a name in use)
    expect(await previewOps()).toEqual(['replace']);
    await up();
    expect(namesInUse('fixed')).toEqual(['orders-dev-system-ab']);
  });

  it('without the deployed group (the earlier program) an appended zone replaces it under the same name, and up fails as EKS does', async () => {
    // GIVEN a stack deployed across three zones
    await mustRun(sandbox, ['stack', 'init', 'unpinned']);
    use(await planSystemNodegroup(3, undefined), 'unpinned');
    await up();
    // WHEN a zone is appended and the program does not know the deployed group
    use(await planSystemNodegroup(4, undefined), 'unpinned');
    // THEN the engine plans a replacement and up fails on the name still in use
    expect(await previewOps()).toEqual(['replace']);
    const result = await sandbox.run(['up', '--yes', '--skip-preview', '--non-interactive']);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      'NodeGroup already exists with name orders-dev-system',
    );
    expect(namesInUse('unpinned')).toEqual(['orders-dev-system']);
  });
});
