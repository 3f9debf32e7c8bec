/**
 * Stands in for the system nodegroup under the real Pulumi engine (test/engine/system-nodegroup.test.ts):
 * one dynamic resource with the `nodeGroupName` and `subnetIds` the platform's program planned
 * (`nodegroup.json` beside this file), served by a provider that behaves as EKS and the Terraform
 * AWS provider do for `aws_eks_node_group`: a change of either input is a replacement
 * (`ForceNew`, internal/service/eks/node_group.go), left to the engine's default order (create the
 * new one, then delete the old one), and creating a nodegroup under a name that is still in use
 * fails with EKS's "NodeGroup already exists". The names in use live in a file (`eksState`), so
 * they outlast each run as EKS's do. Nothing leaves the machine.
 */
import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';

interface PlannedNodegroup {
  readonly nodeGroupName: string;
  readonly subnetIds: readonly string[];
  /** Absolute path of the file holding the names in use (the fake EKS). */
  readonly eksState: string;
}

/** The replace-forcing inputs of `aws_eks_node_group` this stand-in carries. */
const FORCE_NEW = ['nodeGroupName', 'subnetIds'];

const fakeEks: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const replaces = FORCE_NEW.filter(
      key => JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
    );
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
  async create(inputs: Record<string, unknown>) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('fs') as typeof import('fs');
    const file = String(inputs['eksState']);
    const inUse = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as string[])
      : [];
    const name = String(inputs['nodeGroupName']);
    if (inUse.includes(name)) {
      throw new Error(`ResourceInUseException: NodeGroup already exists with name ${name}`);
    }
    fs.writeFileSync(file, JSON.stringify([...inUse, name]));
    return { id: `${name}/${Math.random().toString(16).slice(2)}`, outs: inputs };
  },
  async delete(_id: string, props: Record<string, unknown>) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('fs') as typeof import('fs');
    const file = String(props['eksState']);
    const inUse = fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as string[])
      : [];
    fs.writeFileSync(file, JSON.stringify(inUse.filter(name => name !== props['nodeGroupName'])));
  },
};

class SystemNodegroup extends pulumi.dynamic.Resource {
  public constructor(name: string, planned: PlannedNodegroup) {
    super(fakeEks, name, { ...planned }, {}, 'eks-node-group');
  }
}

const planned = JSON.parse(readFileSync('nodegroup.json', 'utf8')) as PlannedNodegroup;
export const nodeGroupName = new SystemNodegroup('orders-dev-system', planned).id;
