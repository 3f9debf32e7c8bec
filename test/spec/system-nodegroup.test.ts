/**
 * Which zones the system nodegroup spans and what it is called across deployments
 * (spec/system-nodegroup.ts): a permitted `zones` edit (zones appended, zones dropped from the end)
 * must never give the group new subnets under the name it was deployed with, since EKS refuses the
 * same-name replacement Pulumi would plan for it.
 */
import fc from 'fast-check';
import {
  deployedSystemNodegroup,
  legacySystemNodegroup,
  movedSystemNodegroupNameOf,
  systemNodegroupIdentityOf,
  SYSTEM_NODEGROUP_OUTPUT,
  type SystemNodegroupIdentity,
} from '../../spec/system-nodegroup';
import { zoneOrderProblem, PULUMI_ZONE_ORDER } from '../../spec/zone-order';
import { EKS_NODEGROUP_NAME_MAX } from '../../spec/derived-names';

const REGION = 'us-east-1';
const ZONES = ['a', 'b', 'c', 'd', 'e', 'f'].map(letter => `${REGION}${letter}`);

function specWith(zones: readonly string[]): { name: string; region: string; zones: string[] } {
  return { name: 'orders', region: REGION, zones: [...zones] };
}

describe('systemNodegroupIdentityOf', () => {
  it('a first deployment spans every zone as <name>-system', () => {
    expect(systemNodegroupIdentityOf(specWith(ZONES.slice(0, 3)), undefined)).toEqual({
      name: 'orders-system',
      zones: ZONES.slice(0, 3),
    });
  });

  it('zones appended leave the deployed group as it is (same name, same zones)', () => {
    const deployed = { name: 'orders-system', zones: ZONES.slice(0, 3) };
    expect(systemNodegroupIdentityOf(specWith(ZONES.slice(0, 5)), deployed)).toEqual(deployed);
  });

  it('zones dropped beyond the group keep it as it is', () => {
    // GIVEN a group that spans a and b, deployed before c and d were appended
    const deployed = { name: 'orders-system', zones: ZONES.slice(0, 2) };
    // WHEN d and then c are dropped again
    // THEN the group stays
    expect(systemNodegroupIdentityOf(specWith(ZONES.slice(0, 3)), deployed)).toEqual(deployed);
    expect(systemNodegroupIdentityOf(specWith(ZONES.slice(0, 2)), deployed)).toEqual(deployed);
  });

  it('a zone of the group dropped moves it to the spec zones under a name of those zones', () => {
    const deployed = { name: 'orders-system', zones: ZONES.slice(0, 3) };
    expect(systemNodegroupIdentityOf(specWith(ZONES.slice(0, 2)), deployed)).toEqual({
      name: 'orders-system-ab',
      zones: ZONES.slice(0, 2),
    });
    // and again from the moved group
    expect(
      systemNodegroupIdentityOf(specWith(ZONES.slice(0, 1)), {
        name: 'orders-system-ab',
        zones: ZONES.slice(0, 2),
      }),
    ).toEqual({ name: 'orders-system-a', zones: ZONES.slice(0, 1) });
  });

  it('throws when the recorded name is already the one of the zones to move to (a hand-edited output)', () => {
    const read = (): SystemNodegroupIdentity =>
      systemNodegroupIdentityOf(specWith(ZONES.slice(0, 1)), {
        name: 'orders-system-a',
        zones: ZONES.slice(0, 2),
      });
    expect(read).toThrow(
      'stack output systemNodegroup says the system nodegroup "orders-system-a" spans ["us-east-1a","us-east-1b"], but that name is the one for ["us-east-1a"]',
    );
    expect(read).toThrow(/Fix: restore the output with pulumi stack export \/ pulumi stack import/);
  });

  it('names a moved group after the zone suffixes, or the whole zone name outside the region', () => {
    expect(movedSystemNodegroupNameOf({ name: 'p', region: 'eu-west-1' }, ['eu-west-1a'])).toBe(
      'p-system-a',
    );
  });
});

/** A list of zones deployed first, then a chain of permitted edits (append k, drop k from the end). */
const histories = fc
  .record({
    first: fc.integer({ min: 1, max: 6 }),
    steps: fc.array(
      fc.integer({ min: -5, max: 5 }).filter(step => step !== 0),
      {
        minLength: 1,
        maxLength: 8,
      },
    ),
  })
  .map(({ first, steps }) => {
    const lengths = [first];
    for (const step of steps) {
      const last = lengths[lengths.length - 1] ?? first;
      lengths.push(Math.min(6, Math.max(1, last + step)));
    }
    return lengths.map(length => ZONES.slice(0, length));
  });

describe('property: over any chain of permitted zones edits', () => {
  it('the group keeps its deployed subnets, or takes a name other than the deployed one', () => {
    fc.assert(
      fc.property(histories, zoneLists => {
        let deployed: SystemNodegroupIdentity | undefined;
        let previousZones: readonly string[] | undefined;
        for (const zones of zoneLists) {
          // every step is one the zones rule lets through
          if (previousZones !== undefined) {
            expect(zoneOrderProblem(previousZones, zones, PULUMI_ZONE_ORDER)).toBeUndefined();
          }
          const next = systemNodegroupIdentityOf(specWith(zones), deployed);
          if (deployed !== undefined) {
            // THEN same subnets (no replacement), or a name other than the deployed one
            // (Pulumi creates the new group before deleting the old one, and EKS takes it)
            const sameSubnets = JSON.stringify(next.zones) === JSON.stringify(deployed.zones);
            expect(sameSubnets || next.name !== deployed.name).toBe(true);
            // and a kept group is the deployed group exactly
            if (sameSubnets) expect(next).toEqual(deployed);
          }
          // the group spans only zones of the spec (their subnets exist) and at least one
          expect(next.zones.length).toBeGreaterThan(0);
          expect(next.zones.every(zone => zones.includes(zone))).toBe(true);
          expect(next.name.length).toBeLessThanOrEqual(EKS_NODEGROUP_NAME_MAX);
          deployed = next;
          previousZones = zones;
        }
      }),
    );
  });

  it('appending zones never changes the group at all', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (first, added) => {
          const deployed = systemNodegroupIdentityOf(specWith(ZONES.slice(0, first)), undefined);
          const next = systemNodegroupIdentityOf(
            specWith(ZONES.slice(0, Math.min(6, first + added))),
            deployed,
          );
          expect(next).toEqual(deployed);
        },
      ),
    );
  });
});

describe('the deployed group from the stack outputs', () => {
  it('reads the systemNodegroup output as is, and nothing when absent', () => {
    expect(SYSTEM_NODEGROUP_OUTPUT).toBe('systemNodegroup');
    expect(deployedSystemNodegroup({ name: 'orders-system', zones: ['us-east-1a'] })).toEqual({
      name: 'orders-system',
      zones: ['us-east-1a'],
    });
    expect(deployedSystemNodegroup(undefined)).toBeUndefined();
    expect(deployedSystemNodegroup(null)).toBeUndefined();
  });

  it.each([
    ['a list', ['orders-system']],
    ['no name', { zones: ['us-east-1a'] }],
    ['an empty name', { name: '', zones: [] }],
    ['zones not a list of names', { name: 'orders-system', zones: [1] }],
  ])('throws, naming the output, the value and the fix, for %s', (_, output) => {
    expect(() => deployedSystemNodegroup(output)).toThrow(
      `stack output systemNodegroup of the last deployment is ${JSON.stringify(output)}, not { name, zones } of the system nodegroup`,
    );
    expect(() => deployedSystemNodegroup(output)).toThrow(/Fix: restore it with pulumi stack/);
  });

  it('an earlier version made <name>-system across the zones it recorded', () => {
    expect(legacySystemNodegroup({ name: 'orders' }, ['us-east-1a', 'us-east-1b'])).toEqual({
      name: 'orders-system',
      zones: ['us-east-1a', 'us-east-1b'],
    });
    expect(legacySystemNodegroup({ name: 'orders' }, undefined)).toBeUndefined();
  });
});
