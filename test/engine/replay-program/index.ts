/**
 * Replays a recorded resource tree (`tree.json` beside this file, written by
 * test/engine/aliases.test.ts) under the real Pulumi engine: components keep their recorded type,
 * name, parent and aliases; each custom resource becomes a dynamic resource of the SDK's own
 * dynamic provider (`pulumi-nodejs:dynamic/<module>:Resource`, the module derived from the
 * recorded type), the one stand-in, because the AWS, EKS and Kubernetes provider plugins are not
 * available here. An explicit provider resource (the platform's Kubernetes provider) becomes an
 * explicit provider of that same dynamic provider (`pulumi:providers:pulumi-nodejs`), and each
 * resource that named it keeps naming it. Its `create` echoes its inputs and answers a new random ID each time, so a
 * resource the engine replaced instead of keeping shows up as a changed ID. Nothing leaves the
 * machine.
 */
import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';

interface ReplayNode {
  readonly type: string;
  readonly name: string;
  readonly parent: number | null;
  /** Set for a custom resource: the module of its dynamic stand-in type. */
  readonly dynamicModule?: string;
  /** Set for an explicit provider resource. */
  readonly providerResource?: true;
  /** Position of the explicit provider a custom resource uses; `null` for the default one. */
  readonly provider: number | null;
  readonly aliasNoParent: boolean;
}

class ReplayedComponent extends pulumi.ComponentResource {
  public constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

const echo: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Record<string, string>) {
    const nonce = Math.random().toString(16).slice(2);
    return { id: `${inputs['recordedType']}/${inputs['recordedName']}/${nonce}`, outs: inputs };
  },
  async diff() {
    return { changes: false };
  },
};

/** A custom resource of the recorded tree, served by {@link echo}. */
class ReplayedCustomResource extends pulumi.dynamic.Resource {
  public constructor(
    node: ReplayNode & { dynamicModule: string },
    opts: pulumi.CustomResourceOptions,
  ) {
    super(
      echo,
      node.name,
      { recordedType: node.type, recordedName: node.name },
      opts,
      node.dynamicModule,
    );
  }
}

/** An explicit provider of the dynamic provider's package, standing in for a recorded one. */
class ReplayedProvider extends pulumi.ProviderResource {
  public constructor(name: string, opts: pulumi.ResourceOptions) {
    super('pulumi-nodejs', name, {}, opts);
  }
}

const nodes = JSON.parse(readFileSync('tree.json', 'utf8')) as ReplayNode[];
const created: pulumi.Resource[] = [];
function providerAt(position: number | null): pulumi.ProviderResource | undefined {
  if (position === null) return undefined;
  const provider = created[position];
  if (!(provider instanceof pulumi.ProviderResource)) {
    throw new Error(`tree.json: resource ${position} is not a provider`);
  }
  return provider;
}

for (const node of nodes) {
  const opts: pulumi.CustomResourceOptions = {
    parent: node.parent === null ? undefined : created[node.parent],
    aliases: node.aliasNoParent ? [{ parent: pulumi.rootStackResource }] : [],
  };
  if (node.providerResource === true) {
    created.push(new ReplayedProvider(node.name, opts));
  } else if (node.dynamicModule !== undefined) {
    created.push(
      new ReplayedCustomResource(
        { ...node, dynamicModule: node.dynamicModule },
        { ...opts, provider: providerAt(node.provider) },
      ),
    );
  } else {
    created.push(new ReplayedComponent(node.type, node.name, opts));
  }
}

export const resourceCount = created.length;
