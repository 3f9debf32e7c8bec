import * as ipaddr from 'ipaddr.js';
import { zoneSubnetCidrs } from '../../../components/lib/subnets';

const zones = ['z1', 'z2', 'z3', 'z4', 'z5', 'z6'];

function overlaps(a: string, b: string): boolean {
  const [addressA, prefixA] = ipaddr.parseCIDR(a);
  const [addressB, prefixB] = ipaddr.parseCIDR(b);
  return prefixA <= prefixB ? addressB.match(addressA, prefixA) : addressA.match(addressB, prefixB);
}

describe('zoneSubnetCidrs', () => {
  it('gives a /16 VPC /19 private and /22 public subnets per zone', () => {
    expect(zoneSubnetCidrs('10.0.0.0/16', zones.slice(0, 3))).toEqual([
      { zone: 'z1', privateCidr: '10.0.0.0/19', publicCidr: '10.0.224.0/22' },
      { zone: 'z2', privateCidr: '10.0.32.0/19', publicCidr: '10.0.228.0/22' },
      { zone: 'z3', privateCidr: '10.0.64.0/19', publicCidr: '10.0.232.0/22' },
    ]);
  });

  it.each(['10.0.0.0/16', '172.16.0.0/18', '192.168.16.0/20'])(
    'keeps all subnets of %s inside the VPC and disjoint, for 6 zones',
    vpc => {
      const cidrs = zoneSubnetCidrs(vpc, zones).flatMap(z => [z.privateCidr, z.publicCidr]);
      for (const cidr of cidrs) expect(overlaps(vpc, cidr)).toBe(true);
      cidrs.forEach((a, i) => cidrs.slice(i + 1).forEach(b => expect(overlaps(a, b)).toBe(false)));
    },
  );

  it('throws when the VPC is too small or too large', () => {
    expect(() => zoneSubnetCidrs('10.0.0.0/24', zones)).toThrow('/16 to /20');
    expect(() => zoneSubnetCidrs('10.0.0.0/8', zones)).toThrow('/16 to /20');
  });

  it('throws for more than 6 zones', () => {
    expect(() => zoneSubnetCidrs('10.0.0.0/16', [...zones, 'z7'])).toThrow('at most 6');
  });
});
