/**
 * Upgrading a stack deployed by the earlier program (which called `buildPlatformStack` itself, so
 * every component was a direct child of the stack) to the program that creates one
 * `KafkaEksPlatform`: under the real engine, `pulumi preview` must show every existing resource as
 * `same`, found through the `aliasRootResources` aliases and the aliases the engine derives for
 * their children, and only the new `KafkaEksPlatform` as a create. No delete, no replace.
 *
 * The AWS, EKS and Kubernetes provider plugins cannot be had here (see preview.test.ts), so the
 * real program stops at the first AWS call. Instead, both programs run under Pulumi mocks and their
 * resource trees (type, name, parent, aliases; test/util/resource-tree.ts) are replayed under the
 * real engine by test/engine/replay-program: components as they are, custom resources as dynamic
 * resources of the SDK's own dynamic provider (the one stand-in; their URNs differ from the real
 * ones only in the type of the leaf), the platform's explicit Kubernetes provider as an explicit
 * provider of that package, used by the same resources as in the program. So the check covers the
 * case where a replace would come from a changed provider reference (the engine treats a provider
 * found through an alias as unchanged: `providerChanged` in step_generator.go). The old tree is deployed with `pulumi up` to a file backend,
 * then the new tree is previewed and deployed on top of it. A second stack replays the new tree
 * without the aliases and must show the whole platform replaced, so the check can fail.
 */
import { chmodSync, copyFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_EKS_PLATFORM_TYPE } from '../../components/kafka-eks-platform';
import { createSandbox, engineBinaries, mustRun, REPO_ROOT, type EngineSandbox } from './engine';
import { recordTree, urnsOf, type TreeNode } from '../util/resource-tree';

const binaries = engineBinaries();
const describeEngine = binaries === undefined ? describe.skip : describe;

const PROJECT = 'kafka-eks-replay';
const SPEC = join(REPO_ROOT, 'stacks', 'dev.yaml');

/** What replay-program/index.ts reads from tree.json. */
interface ReplayNode {
  readonly type: string;
  readonly name: string;
  readonly parent: number | null;
  readonly dynamicModule?: string;
  readonly providerResource?: true;
  readonly provider: number | null;
  readonly aliasNoParent: boolean;
}

const PROVIDER_PREFIX = 'pulumi:providers:';

/** `aws:ec2/vpc:Vpc` -> `aws-ec2-vpc-Vpc`: a module name that keeps the recorded types apart. */
function dynamicModuleOf(type: string): string {
  return type.replace(/[:/]/g, '-');
}

function toReplay(nodes: readonly TreeNode[]): ReplayNode[] {
  return nodes.map(node => ({
    type: node.type,
    name: node.name,
    parent: node.parent,
    ...(node.custom && node.type.startsWith(PROVIDER_PREFIX)
      ? { providerResource: true as const }
      : node.custom
        ? { dynamicModule: dynamicModuleOf(node.type) }
        : {}),
    provider: node.provider,
    aliasNoParent: node.aliasNoParent,
  }));
}

/** The type the engine sees for a node of the replay. */
function replayedType(node: ReplayNode): string {
  if (node.providerResource === true) return `${PROVIDER_PREFIX}pulumi-nodejs`;
  if (node.dynamicModule !== undefined)
    return `pulumi-nodejs:dynamic/${node.dynamicModule}:Resource`;
  return node.type;
}

/** The tree as the engine sees it in the replay, for URNs. */
function replayedTypes(nodes: readonly ReplayNode[]): TreeNode[] {
  return nodes.map(node => ({
    type: replayedType(node),
    name: node.name,
    parent: node.parent,
    custom: node.dynamicModule !== undefined || node.providerResource === true,
    aliasNoParent: node.aliasNoParent,
    provider: node.provider,
  }));
}

/** The program before this change: the components straight under the stack. */
async function oldTree(): Promise<TreeNode[]> {
  let nodes: TreeNode[] = [];
  await jest.isolateModulesAsync(async () => {
    nodes = await recordTree(undefined, async () => {
      const { loadSpecFile } = await import('../../spec/load');
      const { buildPlatformStack } = await import('../../components/stack');
      buildPlatformStack(loadSpecFile(SPEC));
    });
  });
  return nodes;
}

/** The program as it is: stacks/index.ts, spec from the stack config. */
async function programTree(): Promise<TreeNode[]> {
  let nodes: TreeNode[] = [];
  await jest.isolateModulesAsync(async () => {
    nodes = await recordTree(SPEC, async () => {
      const { default: program } = await import('../../stacks/index');
      await program();
    });
  });
  return nodes;
}

interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly oldState?: { readonly urn: string };
}

/** `pulumi preview --json` of the tree, as its steps. */
async function previewSteps(sandbox: EngineSandbox, tree: readonly ReplayNode[]) {
  writeFileSync(join(sandbox.projectDir, 'tree.json'), JSON.stringify(tree));
  const result = await mustRun(sandbox, ['preview', '--json', '--show-sames', '--non-interactive']);
  return (JSON.parse(result.stdout) as { steps: PreviewStep[] }).steps;
}

async function deploy(sandbox: EngineSandbox, tree: readonly ReplayNode[]): Promise<void> {
  writeFileSync(join(sandbox.projectDir, 'tree.json'), JSON.stringify(tree));
  await mustRun(sandbox, ['up', '--yes', '--skip-preview', '--non-interactive']);
}

/** URN -> ID (`''` for components) of every resource in the stack's state. */
async function stateOf(sandbox: EngineSandbox): Promise<Map<string, string>> {
  const exported = JSON.parse((await mustRun(sandbox, ['stack', 'export'])).stdout) as {
    deployment: { resources?: Array<{ urn: string; id?: string; type: string }> };
  };
  return new Map(
    (exported.deployment.resources ?? [])
      .filter(
        resource =>
          resource.type !== 'pulumi:pulumi:Stack' &&
          !resource.urn.includes(`::${PROVIDER_PREFIX}pulumi-nodejs::default`),
      )
      .map(resource => [resource.urn, resource.id ?? '']),
  );
}

function opCounts(steps: readonly PreviewStep[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of steps) counts[step.op] = (counts[step.op] ?? 0) + 1;
  return counts;
}

describeEngine('upgrading a stack of the earlier program to KafkaEksPlatform', () => {
  let sandbox: EngineSandbox;
  let oldNodes: ReplayNode[];
  let newNodes: ReplayNode[];

  beforeAll(async () => {
    if (binaries === undefined) return;
    oldNodes = toReplay(await oldTree());
    newNodes = toReplay(await programTree());
    sandbox = await createSandbox(binaries, { copyProject: false });
    const dir = sandbox.projectDir;
    writeFileSync(
      join(dir, 'Pulumi.yaml'),
      `name: ${PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
    );
    writeFileSync(join(dir, 'package.json'), `{ "name": "${PROJECT}", "private": true }\n`);
    copyFileSync(join(__dirname, 'replay-program', 'index.ts'), join(dir, 'index.ts'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // The dynamic provider's plugin: the launcher the SDK ships as `pulumi-resource-pulumi-nodejs`
    // (sdk/nodejs/dist of pulumi/pulumi), running the provider in node_modules/@pulumi/pulumi.
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

  it('the program registers the same resources as before, plus KafkaEksPlatform', () => {
    const key = (node: ReplayNode): string => `${node.type}::${node.name}`;
    expect(oldNodes.length).toBeGreaterThan(50);
    expect(
      newNodes
        .filter(node => node.type !== KAFKA_EKS_PLATFORM_TYPE)
        .map(key)
        .sort(),
    ).toEqual(oldNodes.map(key).sort());
    // Only the components directly under the platform carry the alias; the rest inherit it.
    const platformIndex = newNodes.findIndex(node => node.type === KAFKA_EKS_PLATFORM_TYPE);
    expect(newNodes[platformIndex]?.parent).toBeNull();
    const aliased = newNodes.filter(node => node.aliasNoParent);
    expect(aliased.map(node => node.type).sort()).toEqual(
      oldNodes
        .filter(node => node.parent === null)
        .map(node => node.type)
        .sort(),
    );
    expect(aliased.every(node => node.parent === platformIndex)).toBe(true);
    // Resources that name the platform's explicit Kubernetes provider are part of the replay.
    const providers = newNodes.filter(node => node.providerResource === true);
    expect(providers.map(node => node.type)).toEqual(['pulumi:providers:kubernetes']);
    expect(newNodes.filter(node => node.provider !== null).length).toBeGreaterThanOrEqual(4);
  });

  it('preview shows every existing resource as same and creates only KafkaEksPlatform; up keeps every ID', async () => {
    // GIVEN a stack deployed by the earlier program
    await mustRun(sandbox, ['stack', 'init', 'upgrade']);
    await deploy(sandbox, oldNodes);
    const before = await stateOf(sandbox);
    const oldUrns = urnsOf(replayedTypes(oldNodes), 'upgrade', PROJECT);
    expect([...before.keys()].sort()).toEqual([...oldUrns].sort());

    // WHEN previewing the program as it is now
    const steps = await previewSteps(sandbox, newNodes);

    // THEN nothing is created but the platform component, and nothing is deleted or replaced
    const newUrns = urnsOf(replayedTypes(newNodes), 'upgrade', PROJECT);
    const platformUrn = newUrns[newNodes.findIndex(node => node.type === KAFKA_EKS_PLATFORM_TYPE)];
    expect(opCounts(steps)).toEqual({ same: oldNodes.length + 1, create: 1 });
    expect(steps.find(step => step.op === 'create')?.urn).toBe(platformUrn);
    // AND each old resource is matched by the new resource of the same type and name
    const matched = new Map(
      steps
        .filter(step => step.op === 'same' && step.oldState !== undefined)
        .map(step => [step.oldState?.urn ?? '', step.urn]),
    );
    for (const [index, oldUrn] of oldUrns.entries()) {
      const node = oldNodes[index];
      const newIndex = newNodes.findIndex(n => n.type === node?.type && n.name === node?.name);
      expect(`${oldUrn} -> ${matched.get(oldUrn)}`).toBe(`${oldUrn} -> ${newUrns[newIndex]}`);
    }

    // WHEN deploying it
    await deploy(sandbox, newNodes);

    // THEN the state holds every resource at its new URN with the ID it had
    const after = await stateOf(sandbox);
    expect([...after.keys()].sort()).toEqual([...newUrns].sort());
    for (const [index, oldUrn] of oldUrns.entries()) {
      const node = oldNodes[index];
      const newIndex = newNodes.findIndex(n => n.type === node?.type && n.name === node?.name);
      expect(after.get(newUrns[newIndex] ?? '')).toBe(before.get(oldUrn));
    }
    // AND a second preview has nothing left to do
    expect(opCounts(await previewSteps(sandbox, newNodes))).toEqual({
      same: newNodes.length + 1,
    });
  });

  it('without the aliases the same upgrade would replace the whole platform (the check can fail)', async () => {
    await mustRun(sandbox, ['stack', 'init', 'no-aliases']);
    await deploy(sandbox, oldNodes);

    const steps = await previewSteps(
      sandbox,
      newNodes.map(node => ({ ...node, aliasNoParent: false })),
    );

    expect(opCounts(steps)).toEqual({
      same: 1,
      create: newNodes.length,
      delete: oldNodes.length,
    });
  });
});
