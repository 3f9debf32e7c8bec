/**
 * The resource tree a program registers, recorded under Pulumi mocks so the engine tier can replay
 * it under the real engine without AWS: every resource's type, name, parent and explicit provider
 * (by position in the list) and aliases, in construction order (a parent always comes before its
 * children). Also the input of the URN model in test/components/kafka-eks-platform-aliases.test.ts.
 *
 * Recording goes through a stack transformation, so it sees the options exactly as the program
 * passed them. The program uses two alias shapes: `{ parent: pulumi.rootStackResource }`
 * (KafkaEksPlatform's `aliasRootResources`) and full URNs (`pulumi.createUrn` outputs: Platform's
 * typed Namespaces point at their former ConfigGroup-child URNs), recorded resolved. Any other
 * shape fails the recording, so a change to how aliases are written cannot slip past unnoticed.
 */
import * as pulumi from '@pulumi/pulumi';
import { mockCallResult, mockResourceState } from '../../components/lib/plan-mocks';
import {
  MOCK_ORGANIZATION,
  mockStackReferenceState,
  PROJECT_NAME,
  SPEC_CONFIG_KEY,
  STACK_REFERENCE_TYPE,
} from '../../components/lib/plan';

/** One recorded resource. */
export interface TreeNode {
  readonly type: string;
  readonly name: string;
  /** Position of the parent in the list; `null` for a direct child of the stack. */
  readonly parent: number | null;
  /** A custom resource (AWS, Kubernetes, a provider); `false` for a component. */
  readonly custom: boolean;
  /** `true` when the resource has the alias `{ parent: pulumi.rootStackResource }`. */
  readonly aliasNoParent: boolean;
  /** Its aliases given as full URNs (strings or outputs), resolved; absent or empty when none. */
  readonly aliasUrns?: readonly string[];
  /**
   * Position of the explicit provider resource a custom resource names in `opts.provider`; `null`
   * for the default provider (and for components).
   */
  readonly provider: number | null;
}

function isNoParentAlias(alias: unknown): boolean {
  return (
    typeof alias === 'object' &&
    alias !== null &&
    !pulumi.Output.isInstance(alias) &&
    Object.keys(alias).length === 1 &&
    Object.prototype.hasOwnProperty.call(alias, 'parent') &&
    (alias as { parent: unknown }).parent === pulumi.rootStackResource
  );
}

/**
 * A URN computed from URNs the mock monitor handed out, as the engine would have it: the mock
 * (`MockMonitor.newUrn`, @pulumi/pulumi `runtime/mocks.js`) puts the stack's own type
 * `pulumi:pulumi:Stack` in front of a direct child of the stack, which the engine leaves out (as
 * `pulumi.createUrn` does for a parent of that type).
 */
function engineUrn(urn: string): string {
  return urn.replace('::pulumi:pulumi:Stack$', '::');
}

/**
 * Runs `program` under mocks (spec file set under `kafka-eks-autoscaling:spec` when given) and
 * returns its tree. Import Pulumi-using modules inside `program`, after the mocks are set.
 * @throws Error naming the resource when it carries an alias of any other shape.
 */
export async function recordTree(
  specFile: string | undefined,
  program: () => Promise<void>,
): Promise<TreeNode[]> {
  await pulumi.runtime.setMocks(
    {
      newResource: args =>
        args.type === STACK_REFERENCE_TYPE
          ? mockStackReferenceState(args.inputs as Record<string, unknown>, {})
          : mockResourceState(args.type, args.name, args.inputs as Record<string, unknown>),
      call: args => mockCallResult(args.token, args.inputs as Record<string, unknown>),
    },
    PROJECT_NAME,
    'replay',
    false,
    MOCK_ORGANIZATION,
  );
  if (specFile !== undefined) pulumi.runtime.setConfig(SPEC_CONFIG_KEY, specFile);
  const seen: Array<{
    resource: pulumi.Resource;
    provider: pulumi.ProviderResource | undefined;
    node: Omit<TreeNode, 'custom' | 'provider' | 'aliasUrns'>;
    aliasUrns: Array<Promise<string>>;
  }> = [];
  const position = new Map<pulumi.Resource, number>();
  let failure: unknown;
  let resolvedAliases: string[][] = [];
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(args => {
      // The program's read of its own last deployment: nothing the replay creates.
      if (args.type === STACK_REFERENCE_TYPE) return undefined;
      const aliases = [...(args.opts.aliases ?? [])];
      const isUrn = (alias: unknown): alias is string | pulumi.Output<string> =>
        typeof alias === 'string' || pulumi.Output.isInstance(alias);
      const unknownShape = aliases.find(alias => !isNoParentAlias(alias) && !isUrn(alias));
      if (unknownShape !== undefined) {
        throw new Error(
          `${args.type}::${args.name} has an alias the recording does not know: ${JSON.stringify(unknownShape)}`,
        );
      }
      const parent = args.opts.parent === undefined ? undefined : position.get(args.opts.parent);
      position.set(args.resource, seen.length);
      seen.push({
        resource: args.resource,
        provider: args.opts.provider,
        node: {
          type: args.type,
          name: args.name,
          parent: parent ?? null,
          aliasNoParent: aliases.some(isNoParentAlias),
        },
        aliasUrns: aliases
          .filter(isUrn)
          .map(alias => new Promise<string>(resolve => pulumi.output(alias).apply(resolve))),
      });
      return undefined;
    });
    try {
      await program();
      resolvedAliases = await Promise.all(seen.map(entry => Promise.all(entry.aliasUrns)));
    } catch (error) {
      failure = error;
    }
  });
  await pulumi.runtime.disconnect();
  if (failure !== undefined) throw failure;
  // Known only once each constructor has finished.
  return seen.map(({ resource, provider, node }, index) => {
    const custom = pulumi.CustomResource.isInstance(resource);
    const providerPosition = custom && provider !== undefined ? position.get(provider) : undefined;
    return {
      ...node,
      custom,
      provider: providerPosition ?? null,
      aliasUrns: (resolvedAliases[index] ?? []).map(engineUrn),
    };
  });
}

/**
 * The URN the engine gives each node: the parent's type chain joined with `$` (a direct child of
 * the stack has none), then `::name`.
 */
export function urnsOf(nodes: readonly TreeNode[], stack: string, project: string): string[] {
  const chains: string[] = [];
  return nodes.map((node, index) => {
    const parentChain = node.parent === null ? undefined : chains[node.parent];
    const chain = parentChain === undefined ? node.type : `${parentChain}$${node.type}`;
    chains[index] = chain;
    return `urn:pulumi:${stack}::${project}::${chain}::${node.name}`;
  });
}
