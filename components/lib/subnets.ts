/**
 * Subnet layout of a new VPC: per zone one large private subnet (nodes and pod IPs, the VPC CNI
 * gives every pod a VPC address) and one small public subnet (NAT gateway, internet-facing NLBs).
 *
 * The VPC range is cut into 8 equal blocks: blocks 0-5 are the private subnets of zones 0-5, block
 * 7 is cut again into 8 public subnets. A /16 gives /19 private (8,192 addresses) and /22 public.
 *
 * A zone's blocks follow its POSITION in `zones`, not its name: once the VPC exists, a reordered
 * list (or a zone inserted or removed before the end) gives the moved zones other ranges, which
 * `pulumi up` would apply by replacing their subnets. The program refuses such an edit against the
 * stack's last deployment (components/lib/zone-order-guard.ts, docs/deploy-to-aws.md "Changing
 * `zones` on a deployed stack"); test/components/zone-order.test.ts pins which inputs follow the
 * position.
 */
import * as ipaddr from 'ipaddr.js';

export interface ZoneSubnetCidrs {
  readonly zone: string;
  readonly privateCidr: string;
  readonly publicCidr: string;
}

/** Smallest and largest VPC prefix the layout accepts. */
export const VPC_PREFIX_RANGE = { widest: 16, narrowest: 20 } as const;
const MAX_ZONES = 6;

function ipv4ToNumber(address: string): number {
  return ipaddr.IPv4.parse(address)
    .toByteArray()
    .reduce((sum, byte) => sum * 256 + byte, 0);
}

function numberToIpv4(value: number): string {
  const bytes = [24, 16, 8, 0].map(shift => Math.floor(value / 2 ** shift) % 256);
  return bytes.join('.');
}

/** The `index`-th block of `prefix` bits inside `base/basePrefix`. */
function block(base: number, prefix: number, index: number): string {
  return `${numberToIpv4(base + index * 2 ** (32 - prefix))}/${prefix}`;
}

/**
 * Private and public subnet CIDRs for each zone, in zone order.
 * @throws Error when the VPC CIDR is not IPv4, outside /16-/20, or there are more than 6 zones.
 */
export function zoneSubnetCidrs(vpcCidr: string, zones: readonly string[]): ZoneSubnetCidrs[] {
  const [address, prefix] = ipaddr.parseCIDR(vpcCidr);
  if (address.kind() !== 'ipv4') throw new Error(`${vpcCidr} is not an IPv4 CIDR`);
  if (prefix < VPC_PREFIX_RANGE.widest || prefix > VPC_PREFIX_RANGE.narrowest) {
    throw new Error(
      `${vpcCidr}: the VPC prefix must be /${VPC_PREFIX_RANGE.widest} to /${VPC_PREFIX_RANGE.narrowest}`,
    );
  }
  if (zones.length > MAX_ZONES) throw new Error(`${zones.length} zones; at most ${MAX_ZONES}`);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(ipv4ToNumber(address.toString()) / size) * size;
  const privatePrefix = prefix + 3;
  const publicBase = base + 7 * 2 ** (32 - privatePrefix);
  return zones.map((zone, index) => ({
    zone,
    privateCidr: block(base, privatePrefix, index),
    publicCidr: block(publicBase, privatePrefix + 3, index),
  }));
}
