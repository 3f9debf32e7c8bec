/**
 * `aliasRootResources` under Pulumi mocks, for specs the engine tier does not replay (prod, an
 * existing cluster, target-tracking mode, Flux installed by `pulumi up`): every resource the earlier program (components straight
 * under the stack) registered is found again, once, by the resource of the same type and name
 * under `KafkaEksPlatform`.
 *
 * "Found" follows the engine's lookup in pulumi/pulumi `pkg/resource/deploy/step_generator.go`
 * (`generateSteps`, `generateAliases`, `inheritedChildAlias`, v3.248.0): a resource is looked up
 * first by its URN, then by its own aliases, then by the alias derived from the one its parent
 * matched (the parent alias's type chain, `$`, the child's type, and the child's name with the
 * parent's old name prefix swapped in). test/engine/aliases.test.ts checks the same on dev under the
 * real engine; this model only widens the specs covered.
 *
 * It also covers the namespaces of the `operators` component (the Kafka namespace), which an
 * earlier program applied as a child of the Platform's `kafka` ConfigGroup (`<group
 * name>-<metadata.name>`, pulumi-kubernetes yaml/v2 naming) and Platform now creates as a typed
 * Namespace with full-URN aliases to that child: a ConfigGroup's children are registered by the
 * Kubernetes provider, so the recorded trees do not hold them and `formerState` writes them in.
 */
import type { LoadedSpec } from '../../spec/load';
import { parseSpec } from '../../spec/load';
import { PROJECT_NAME } from '../../components/lib/plan';
import { recordTree, urnsOf, type TreeNode } from '../util/resource-tree';
import { exampleSpec, specInput } from '../util/specs';

// What recordTree runs under: the Namespaces' alias URNs are computed there.
const STACK = 'replay';
const PROJECT = PROJECT_NAME;
const NAMESPACE_TYPE = 'kubernetes:core/v1:Namespace';
const CONFIG_GROUP_TYPE = 'kubernetes:yaml/v2:ConfigGroup';
const PLATFORM_TYPE = 'kafka-eks:index:Platform';

function rootUrn(type: string, name: string): string {
  return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

function typeChainOf(urn: string): string {
  return urn.split('::')[2] ?? '';
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf('::') + 2);
}

/** New URN -> the old URN it takes over, by the engine's lookup order; unmatched ones are absent. */
function engineMatches(newNodes: readonly TreeNode[], oldUrns: ReadonlySet<string>) {
  const newUrns = urnsOf(newNodes, STACK, PROJECT);
  const matchedAlias = new Map<number, string>();
  const claims = new Map<string, string>();
  newNodes.forEach((node, index) => {
    const urn = newUrns[index] ?? '';
    const own = [
      ...(node.aliasNoParent ? [rootUrn(node.type, node.name)] : []),
      ...(node.aliasUrns ?? []),
    ];
    const parentAlias = node.parent === null ? undefined : matchedAlias.get(node.parent);
    const inherited: string[] = [];
    if (parentAlias !== undefined && node.parent !== null) {
      const parentName = newNodes[node.parent]?.name ?? '';
      const aliasName = node.name.startsWith(parentName)
        ? nameOf(parentAlias) + node.name.slice(parentName.length)
        : node.name;
      inherited.push(
        `urn:pulumi:${STACK}::${PROJECT}::${typeChainOf(parentAlias)}$${node.type}::${aliasName}`,
      );
    }
    const found = [urn, ...own, ...inherited].find(candidate => oldUrns.has(candidate));
    if (found === undefined) return;
    if (found !== urn) matchedAlias.set(index, found);
    claims.set(urn, found);
  });
  return { newUrns, claims };
}

/**
 * The state a stack of the earlier program holds for `nodes` (a tree recorded from the current
 * code): their URNs, except that each typed Namespace under a Platform sits where the earlier
 * program had it, as a child of that Platform's `kafka` ConfigGroup. `moved` maps each such former
 * URN to the `type::name` of the typed Namespace that should take it over.
 */
function formerState(nodes: readonly TreeNode[]) {
  const urns = urnsOf(nodes, STACK, PROJECT);
  const moved = new Map<string, string>();
  const state = urns.map((urn, index) => {
    const node = nodes[index];
    const platform = node?.parent === null ? undefined : nodes[node?.parent ?? -1];
    if (node?.type !== NAMESPACE_TYPE || platform?.type !== PLATFORM_TYPE) return urn;
    const namespace = node.name.slice(`${platform.name}-namespace-`.length);
    const platformUrn = urns[node.parent ?? -1] ?? '';
    const former =
      `urn:pulumi:${STACK}::${PROJECT}::${typeChainOf(platformUrn)}$${CONFIG_GROUP_TYPE}` +
      `$${NAMESPACE_TYPE}::${platform.name}-kafka-${namespace}`;
    moved.set(former, `${NAMESPACE_TYPE}::${node.name}`);
    return former;
  });
  return { urns: state, moved };
}

async function trees(loaded: LoadedSpec, aliasRootResources: boolean) {
  const { buildPlatformStack } = await import('../../components/stack');
  const { KafkaEksPlatform } = await import('../../components/kafka-eks-platform');
  const oldNodes = await recordTree(undefined, async () => {
    buildPlatformStack(loaded);
  });
  const newNodes = await recordTree(undefined, async () => {
    new KafkaEksPlatform(loaded.spec.name, { spec: loaded, aliasRootResources });
  });
  return { oldNodes, newNodes };
}

const existingCluster = parseSpec(
  specInput(3, 4, {
    autoscaling: { mode: 'controller' },
    cluster: {
      vpcCidr: '10.20.0.0/16',
      existingVpc: {
        vpcId: 'vpc-0a1b2c3d4e5f60718',
        privateSubnetIds: {
          'us-west-2a': 'subnet-aaaaaaaa',
          'us-west-2b': 'subnet-bbbbbbbb',
          'us-west-2c': 'subnet-cccccccc',
        },
      },
      existing: { name: 'shared-eks' },
    },
  }),
);

const cases: Array<[string, () => LoadedSpec]> = [
  ['prod example', () => exampleSpec('prod')],
  ['existing cluster', () => existingCluster],
  [
    'target-tracking mode',
    () => parseSpec(specInput(3, 2, { autoscaling: { mode: 'target-tracking' } })),
  ],
  [
    'Flux bootstrapped by pulumi up',
    () =>
      parseSpec(
        specInput(3, 2, {
          gitops: { engine: 'flux', repository: { url: 'https://github.com/acme/platform.git' } },
        }),
      ),
  ],
];

it('the Flux case installs the engine through pulumi up (a GitOpsBootstrap under Platform)', async () => {
  const flux = cases.find(([label]) => label.startsWith('Flux'));
  if (flux === undefined) throw new Error('no Flux case');
  const { newNodes } = await trees(flux[1](), true);
  const bootstrap = newNodes.find(node => node.type === 'kafka-eks:index:GitOpsBootstrap');
  expect(bootstrap?.parent === null ? undefined : newNodes[bootstrap?.parent ?? -1]?.type).toBe(
    'kafka-eks:index:Platform',
  );
});

describe.each(cases)('%s: aliasRootResources', (label, spec) => {
  it('every old resource is taken over, once, by the new resource of the same type and name', async () => {
    // GIVEN the URNs the earlier program's stack holds (the Kafka namespace in the kafka
    // ConfigGroup with gitops.engine none), and the tree of the new program
    const { oldNodes, newNodes } = await trees(spec(), true);
    const { urns: oldUrns, moved } = formerState(oldNodes);
    expect(moved.size).toBe(label.startsWith('Flux') ? 0 : 1);

    // WHEN the engine looks each new resource up in that state
    const { newUrns, claims } = engineMatches(newNodes, new Set(oldUrns));

    // THEN every old URN is claimed exactly once, by its counterpart
    expect(new Set(claims.values()).size).toBe(claims.size);
    expect([...claims.values()].sort()).toEqual([...oldUrns].sort());
    for (const [newUrn, oldUrn] of claims) {
      expect(`${typeChainOf(newUrn).split('$').pop()}::${nameOf(newUrn)}`).toBe(
        moved.get(oldUrn) ?? `${typeChainOf(oldUrn).split('$').pop()}::${nameOf(oldUrn)}`,
      );
    }
    // AND components nested two levels deep (WorkloadRole, GitOpsBootstrap) are among them
    const nestedTypes = newNodes
      .filter(node => node.parent !== null && newNodes[node.parent]?.aliasNoParent === true)
      .filter(node => !node.custom)
      .map(node => node.type);
    expect(nestedTypes.length).toBeGreaterThan(0);
    // AND only the platform component itself is new
    const unclaimed = newUrns.filter(urn => !claims.has(urn));
    expect(unclaimed).toEqual([rootUrn('kafka-eks:index:KafkaEksPlatform', spec().spec.name)]);
  });
});

describe('aliasRootResources off (the default)', () => {
  it('gives nothing an alias, so nothing of an earlier stack is found', async () => {
    const loaded = exampleSpec('prod');
    const { oldNodes, newNodes } = await trees(loaded, false);
    expect(newNodes.filter(node => node.aliasNoParent)).toEqual([]);
    const { claims } = engineMatches(newNodes, new Set(urnsOf(oldNodes, STACK, PROJECT)));
    expect(claims.size).toBe(0);
  });
});

describe('the Kafka namespace of a KafkaEksPlatform stack deployed before it left the kafka ConfigGroup', () => {
  it.each([false, true])(
    'is taken over by the typed Namespace (aliasRootResources %s), and nothing else moves',
    async aliasRootResources => {
      // GIVEN a stack the KafkaEksPlatform program deployed with the namespace in `kafka`
      const { newNodes } = await trees(exampleSpec('prod'), aliasRootResources);
      const { urns: oldUrns, moved } = formerState(newNodes);
      expect(moved.size).toBe(1);

      // WHEN the engine looks each new resource up in that state
      const { newUrns, claims } = engineMatches(newNodes, new Set(oldUrns));

      // THEN every old URN is claimed once; the namespace by the typed Namespace, the rest by URN
      expect([...claims.values()].sort()).toEqual([...oldUrns].sort());
      expect(new Set(claims.values()).size).toBe(claims.size);
      for (const [newUrn, oldUrn] of claims) {
        const former = moved.get(oldUrn);
        if (former === undefined) expect(oldUrn).toBe(newUrn);
        else expect(`${NAMESPACE_TYPE}::${nameOf(newUrn)}`).toBe(former);
      }
      expect(newUrns.filter(urn => !claims.has(urn))).toEqual([]);
    },
  );
});
