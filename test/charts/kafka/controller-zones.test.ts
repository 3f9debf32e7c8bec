/**
 * Zone spreads after `zones` edits a deployed stack may make (append zones, drop zones from the end).
 * The class: a hard zone spread whose `minDomains` exceeds the zones that have nodes the pod may use
 * makes the scheduler take the smallest zone count as 0, so a pod whose zone already holds one of
 * its pool stays Pending (judged by the real kube-scheduler in test/cluster/zone-placement.test.ts).
 * The system nodegroup keeps its zones when zones are appended (spec/system-nodegroup.ts), so every
 * pod template the output renders is checked against the nodes that exist after the edit: system
 * nodes in the group's zones, Kafka nodes in every spec zone.
 */
import fc from 'fast-check';
import { synthPlatform, type KubeObject } from '../../../charts/synth';
import {
  onPreviousSystemZones,
  previousControllerZones,
  transitionReport,
} from '../../../charts/transitions';
import { KAFKA_NODE_LABEL } from '../../../spec/derive';
import { parseSpec, type LoadedSpec } from '../../../spec/load';
import type { PlatformSpecInput } from '../../../spec/schema';
import {
  onSystemNodegroupZones,
  systemNodegroupIdentityOf,
  type SystemNodegroupIdentity,
} from '../../../spec/system-nodegroup';
import { specInput } from '../../util/specs';

type Obj = Record<string, any>;

const ZONE = 'topology.kubernetes.io/zone';

function inputFor(zones: number, controllers: number): PlatformSpecInput {
  const input = specInput(zones, 2);
  return {
    ...input,
    kafka: { ...input.kafka, controllers },
    nodes: {
      ...input.nodes,
      system: { min: Math.max(3, controllers), max: Math.max(4, controllers) },
    },
  };
}

/** What a deployment renders for `loaded` after `deployed` (the Pulumi path). */
function deploy(
  loaded: LoadedSpec,
  deployed: SystemNodegroupIdentity | undefined,
): { objects: KubeObject[]; system: SystemNodegroupIdentity } {
  const system = systemNodegroupIdentityOf(loaded.spec, deployed);
  const objects = synthPlatform(onSystemNodegroupZones(loaded, system.zones)).components.flatMap(
    c => [...c.objects],
  );
  return { objects, system };
}

/** Every pod template in the output, with a name. */
function podTemplates(objects: readonly KubeObject[]): Array<{ name: string; pod: Obj }> {
  const found: Array<{ name: string; pod: Obj }> = [];
  for (const object of objects as unknown as Obj[]) {
    const name = `${String(object.kind)} ${String(object.metadata?.name)}`;
    if (object.kind === 'KafkaNodePool') found.push({ name, pod: object.spec.template?.pod ?? {} });
    else if (object.kind === 'CronJob') {
      found.push({ name, pod: object.spec.jobTemplate.spec.template.spec });
    } else if (object.spec?.template?.spec !== undefined) {
      found.push({ name, pod: object.spec.template.spec });
    }
  }
  return found;
}

/** The required match expressions of a pod's node affinity (first term; ours have one). */
function required(pod: Obj): Obj[] {
  return (
    pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms?.[0]?.matchExpressions ?? []
  );
}

/**
 * Zones that have nodes the pod may use: Kafka nodes (every spec zone) for a pod that requires the
 * Kafka node label, system nodes (the group's zones) otherwise; narrowed by its zone affinity.
 */
function usableZones(
  pod: Obj,
  specZones: readonly string[],
  systemZones: readonly string[],
): string[] {
  const expressions = required(pod);
  const onKafka = expressions.some(e => e.key === KAFKA_NODE_LABEL && e.operator === 'In');
  const zoneRule = expressions.find(e => e.key === ZONE && e.operator === 'In');
  const nodes = onKafka ? specZones : systemZones;
  return nodes.filter(
    zone => zoneRule === undefined || (zoneRule.values as string[]).includes(zone),
  );
}

/** Zone histories the guards allow: deploy `from` zones, then keep a prefix and append. */
const edits = fc
  .record({
    from: fc.integer({ min: 2, max: 5 }),
    to: fc.integer({ min: 2, max: 6 }),
    controllers: fc.constantFrom(1, 3, 5),
  })
  .filter(({ from, to }) => from !== to);

describe('zone spreads after a zones edit', () => {
  it('no pod template asks for more zone domains than the zones with nodes it may use', () => {
    fc.assert(
      fc.property(edits, ({ from, to, controllers }) => {
        const before = deploy(parseSpec(inputFor(from, controllers)), undefined);
        const loaded = parseSpec(inputFor(to, controllers));
        const after = deploy(loaded, before.system);
        for (const { name, pod } of podTemplates(after.objects)) {
          const zones = usableZones(pod, loaded.spec.zones, after.system.zones);
          for (const spread of (pod.topologySpreadConstraints ?? []) as Obj[]) {
            if (spread.topologyKey !== ZONE || spread.minDomains === undefined) continue;
            expect({ name, minDomains: spread.minDomains, zones }).toEqual({
              name,
              minDomains: Math.min(spread.minDomains, zones.length),
              zones,
            });
          }
        }
      }),
      { numRuns: 12 },
    );
  });

  it("the controllers' zones are the system nodegroup's: kept on an append, moved on a drop", () => {
    fc.assert(
      fc.property(edits, ({ from, to, controllers }) => {
        const before = deploy(parseSpec(inputFor(from, controllers)), undefined);
        const loaded = parseSpec(inputFor(to, controllers));
        const after = deploy(loaded, before.system);
        const pool = (after.objects as Obj[]).find(
          o => o.kind === 'KafkaNodePool' && o.metadata.name === 'controllers',
        )!;
        const zoneRule = required(pool.spec.template.pod).find(e => e.key === ZONE)!;
        const expected = to > from ? before.system.zones : loaded.spec.zones;
        expect(zoneRule.values).toEqual(expected);
        const [zoneSpread, hostSpread] = pool.spec.template.pod.topologySpreadConstraints;
        expect(zoneSpread.minDomains).toBe(Math.min(controllers, expected.length));
        expect(hostSpread.minDomains).toBe(controllers);
      }),
      { numRuns: 10 },
    );
  });

  it('synth reads the same zones from its previous output as the Pulumi program from its outputs', () => {
    fc.assert(
      fc.property(edits, ({ from, to, controllers }) => {
        const before = deploy(parseSpec(inputFor(from, controllers)), undefined);
        const loaded = parseSpec(inputFor(to, controllers));
        const { spec } = loaded;
        expect(
          previousControllerZones(before.objects, {
            name: spec.name,
            namespace: spec.kafka.namespace,
          }),
        ).toEqual(before.system.zones);
        // a second synth after the append keeps them too: the output is its own next input
        const synthed = onPreviousSystemZones(loaded, before.objects);
        expect(synthed.plan.controllerZones).toEqual(
          systemNodegroupIdentityOf(spec, before.system).zones,
        );
        const again = synthPlatform(synthed).components.flatMap(c => [...c.objects]);
        expect(onPreviousSystemZones(loaded, again).plan.controllerZones).toEqual(
          synthed.plan.controllerZones,
        );
      }),
      { numRuns: 6 },
    );
  });

  it('a first run, a joined cluster or another cluster in the previous output: the spec zones', () => {
    const loaded = parseSpec(inputFor(3, 3));
    expect(onPreviousSystemZones(loaded, [])).toBe(loaded);
    const previous = deploy(parseSpec(inputFor(2, 3)), undefined).objects;
    const renamed = parseSpec({ ...inputFor(3, 3), name: 'other' });
    expect(onPreviousSystemZones(renamed, previous).plan.controllerZones).toEqual(
      renamed.spec.zones,
    );
    const joined = parseSpec(specInput(1, 3));
    expect(onPreviousSystemZones(joined, previous)).toBe(joined);
  });

  it('refuses system zones that are not a leading part of zones, naming both', () => {
    const loaded = parseSpec(inputFor(3, 3));
    expect(() => onSystemNodegroupZones(loaded, ['us-west-2b'])).toThrow(
      /spans \["us-west-2b"\], which is not a leading part of zones \["us-west-2a","us-west-2b","us-west-2c"\]/,
    );
    expect(() => onSystemNodegroupZones(loaded, [])).toThrow(/not a leading part/);
    expect(onSystemNodegroupZones(loaded, loaded.spec.zones)).toBe(loaded);
    expect(onSystemNodegroupZones(loaded, undefined)).toBe(loaded);
  });

  it('synth warns when a zone the controllers ran in is dropped, not when zones are appended', () => {
    const warningsOf = (from: number, to: number): string[] => {
      const previous = deploy(parseSpec(inputFor(from, 3)), undefined).objects;
      const next = onPreviousSystemZones(parseSpec(inputFor(to, 3)), previous);
      const objects = synthPlatform(next).components.flatMap(c => [...c.objects]);
      return transitionReport(previous, objects, next.spec)
        .warnings.filter(w => w.message.includes('KRaft controllers may no longer run'))
        .map(w => `${w.path}: ${w.message}`);
    };
    expect(warningsOf(2, 3)).toEqual([]);
    expect(warningsOf(3, 4)).toEqual([]);
    const [dropped] = warningsOf(3, 2);
    expect(dropped).toMatch(/^zones: the KRaft controllers may no longer run in \["us-west-2c"\]/);
    expect(dropped).toMatch(/stays Pending/);
  });
});
