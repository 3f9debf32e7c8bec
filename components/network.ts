/**
 * The VPC: per spec zone one private subnet (nodes, pods) and one public subnet (NAT gateway,
 * internet-facing NLBs), each tagged for the AWS Load Balancer Controller; one NAT gateway per
 * zone so a zone outage does not cut the other zones off. Or, with `existingVpc`, the given IDs.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { zoneSubnetCidrs } from './lib/subnets';
import { namedTags, subnetTags } from './lib/tags';
import type { PlatformSpec } from '../spec/schema';

export interface NetworkArgs {
  /**
   * The validated platform spec: `zones`, `cluster.vpcCidr`, `cluster.existingVpc`, tags.
   * @default - required
   */
  readonly spec: PlatformSpec;
}

export class Network extends pulumi.ComponentResource {
  /** ID of the VPC. */
  public readonly vpcId: pulumi.Output<string>;
  /** Zone -> private subnet ID, for every spec zone. */
  public readonly privateSubnetIds: Readonly<Record<string, pulumi.Output<string>>>;
  /** Zone -> public subnet ID (may be empty for an existing VPC). */
  public readonly publicSubnetIds: Readonly<Record<string, pulumi.Output<string>>>;

  public constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('kafka-eks:index:Network', name, {}, opts);
    const { spec } = args;
    const existing = spec.cluster.existingVpc;
    if (existing !== undefined) {
      this.vpcId = pulumi.output(existing.vpcId);
      this.privateSubnetIds = Object.fromEntries(
        spec.zones.map(zone => [
          zone,
          pulumi.output(requiredSubnet(existing.privateSubnetIds, zone)),
        ]),
      );
      this.publicSubnetIds = Object.fromEntries(
        Object.entries(existing.publicSubnetIds).map(([zone, id]) => [zone, pulumi.output(id)]),
      );
    } else {
      const built = this.buildVpc(name, spec);
      this.vpcId = built.vpcId;
      this.privateSubnetIds = built.privateSubnetIds;
      this.publicSubnetIds = built.publicSubnetIds;
    }
    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
    });
  }

  private buildVpc(
    name: string,
    spec: PlatformSpec,
  ): Pick<Network, 'vpcId' | 'privateSubnetIds' | 'publicSubnetIds'> {
    const child = { parent: this };
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: spec.cluster.vpcCidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: namedTags(spec, `${spec.name}-vpc`),
      },
      child,
    );
    const internetGateway = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: namedTags(spec, `${spec.name}-igw`) },
      child,
    );
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: internetGateway.id }],
        tags: namedTags(spec, `${spec.name}-public`),
      },
      child,
    );
    const privateSubnetIds: Record<string, pulumi.Output<string>> = {};
    const publicSubnetIds: Record<string, pulumi.Output<string>> = {};
    for (const layout of zoneSubnetCidrs(spec.cluster.vpcCidr, spec.zones)) {
      const { zone } = layout;
      const publicName = `${spec.name}-public-${zone}`;
      const privateName = `${spec.name}-private-${zone}`;
      const publicSubnet = new aws.ec2.Subnet(
        `${name}-public-${zone}`,
        {
          vpcId: vpc.id,
          availabilityZone: zone,
          cidrBlock: layout.publicCidr,
          mapPublicIpOnLaunch: false,
          tags: subnetTags(spec, publicName, 'public'),
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${zone}`,
        { subnetId: publicSubnet.id, routeTableId: publicRoutes.id },
        child,
      );
      const natAddress = new aws.ec2.Eip(
        `${name}-nat-${zone}`,
        { domain: 'vpc', tags: namedTags(spec, `${spec.name}-nat-${zone}`) },
        child,
      );
      const natGateway = new aws.ec2.NatGateway(
        `${name}-nat-${zone}`,
        {
          subnetId: publicSubnet.id,
          allocationId: natAddress.id,
          tags: namedTags(spec, `${spec.name}-nat-${zone}`),
        },
        { parent: this, dependsOn: [internetGateway] },
      );
      const privateSubnet = new aws.ec2.Subnet(
        `${name}-private-${zone}`,
        {
          vpcId: vpc.id,
          availabilityZone: zone,
          cidrBlock: layout.privateCidr,
          mapPublicIpOnLaunch: false,
          tags: subnetTags(spec, privateName, 'private'),
        },
        child,
      );
      const privateRoutes = new aws.ec2.RouteTable(
        `${name}-private-${zone}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: natGateway.id }],
          tags: namedTags(spec, privateName),
        },
        child,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${zone}`,
        { subnetId: privateSubnet.id, routeTableId: privateRoutes.id },
        child,
      );
      privateSubnetIds[zone] = privateSubnet.id;
      publicSubnetIds[zone] = publicSubnet.id;
    }
    return { vpcId: vpc.id, privateSubnetIds, publicSubnetIds };
  }
}

function requiredSubnet(subnets: Readonly<Record<string, string>>, zone: string): string {
  const id = subnets[zone];
  if (id === undefined) {
    throw new Error(
      `cluster.existingVpc.privateSubnetIds has no subnet for zone ${zone}; add "${zone}: subnet-..."`,
    );
  }
  return id;
}
