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
 */
import type { LoadedSpec } from '../../spec/load';
import { parseSpec } from '../../spec/load';
import { recordTree, urnsOf, type TreeNode } from '../util/resource-tree';
import { exampleSpec, specInput } from '../util/specs';

const STACK = 'upgrade';
const PROJECT = 'kafka-eks-autoscaling';

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
    const own = node.aliasNoParent ? [rootUrn(node.type, node.name)] : [];
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
        vpcId: 'vpc-0shared',
        privateSubnetIds: {
          'us-west-2a': 'subnet-a',
          'us-west-2b': 'subnet-b',
          'us-west-2c': 'subnet-c',
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

describe.each(cases)('%s: aliasRootResources', (_label, spec) => {
  it('every old resource is taken over, once, by the new resource of the same type and name', async () => {
    // GIVEN the URNs the earlier program's stack holds, and the tree of the new program
    const { oldNodes, newNodes } = await trees(spec(), true);
    const oldUrns = urnsOf(oldNodes, STACK, PROJECT);

    // WHEN the engine looks each new resource up in that state
    const { newUrns, claims } = engineMatches(newNodes, new Set(oldUrns));

    // THEN every old URN is claimed exactly once, by its counterpart
    expect(new Set(claims.values()).size).toBe(claims.size);
    expect([...claims.values()].sort()).toEqual([...oldUrns].sort());
    for (const [newUrn, oldUrn] of claims) {
      expect(`${typeChainOf(newUrn).split('$').pop()}::${nameOf(newUrn)}`).toBe(
        `${typeChainOf(oldUrn).split('$').pop()}::${nameOf(oldUrn)}`,
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
