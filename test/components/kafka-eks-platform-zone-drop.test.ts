/**
 * The KRaft controllers' zone-drop warning on the Pulumi side (`KafkaEksPlatform`), from the same
 * rule `synth` applies to its previous output (spec/system-nodegroup.ts `controllerZonesDropped`).
 * Before, `synth` warned that dropping a zone of the system nodegroup strands the controller
 * whose EBS volume is there, and `pulumi up` of the same edit said nothing. The Pulumi side knows
 * the zones the controllers could use from the system nodegroup it last deployed
 * (`deployedSystemNodegroup`, the stack output `systemNodegroup`), and for a joined cluster from the
 * zones it last deployed (`deployedZones`); the test runs both renderers
 * over the same zones edits and requires the same warning, and checks that the component logs it
 * with `pulumi.log.warn`.
 */
import { synthPlatform } from '../../charts/synth';
import { onPreviousSystemZones, transitionReport } from '../../charts/transitions';
import { formatIssue } from '../../spec/errors';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import {
  onSystemNodegroupZones,
  systemNodegroupIdentityOf,
  type SystemNodegroupIdentity,
} from '../../spec/system-nodegroup';
import { existingClusterFor, specInput } from '../util/specs';

const ZONE_DROP = 'KRaft controllers may no longer run';

function inputFor(zones: number): PlatformSpecInput {
  const input = specInput(zones, 2);
  return { ...input, nodes: { ...input.nodes, system: { min: 3, max: 4 } } };
}

/** synth's warnings of going from the output of `before` (deployed) to `after`. */
function synthWarnings(before: LoadedSpec, after: LoadedSpec): string[] {
  const previous = synthPlatform(before).components.flatMap(c => [...c.objects]);
  const next = onPreviousSystemZones(after, previous);
  const objects = synthPlatform(next).components.flatMap(c => [...c.objects]);
  return transitionReport(previous, objects, next.spec)
    .warnings.filter(w => w.message.includes(ZONE_DROP))
    .map(formatIssue);
}

/** The component's warnings, and what it logged, deploying `after` over `deployed`. */
async function pulumiWarnings(
  after: LoadedSpec,
  deployed: SystemNodegroupIdentity | undefined,
  deployedZones?: readonly string[],
): Promise<{ warnings: string[]; logged: Array<{ message: string; resource: unknown }> }> {
  const pulumi = await import('@pulumi/pulumi');
  const { recordPlan } = await import('../../components/lib/plan');
  const { KafkaEksPlatform } = await import('../../components/kafka-eks-platform');
  const logged: Array<{ message: string; resource: unknown }> = [];
  const spy = jest.spyOn(pulumi.log, 'warn').mockImplementation(async (message, resource) => {
    logged.push({ message, resource });
  });
  let platform: InstanceType<typeof KafkaEksPlatform> | undefined;
  try {
    await recordPlan(undefined, async () => {
      platform = new KafkaEksPlatform('kafka', {
        spec: after,
        ...(deployed === undefined ? {} : { deployedSystemNodegroup: deployed }),
        ...(deployedZones === undefined ? {} : { deployedZones }),
      });
    });
  } finally {
    spy.mockRestore();
  }
  if (platform === undefined) throw new Error('the component was not built');
  return {
    warnings: platform.deploymentWarnings.map(formatIssue),
    logged: logged.filter(entry => entry.message.includes(ZONE_DROP)),
  };
}

describe('KafkaEksPlatform: zones the KRaft controllers lose', () => {
  // Zone counts before and after: drops from the end and appends (the edits the zones rule allows).
  // Not 1: a one-zone spec joins an existing cluster (test/util/specs.ts), a change the stateful
  // guard refuses, and whose system nodes are the user's (no deployed group: docs/upgrade.md).
  const edits: Array<[number, number]> = [
    [3, 2],
    [4, 3],
    [4, 2],
    [2, 3],
    [3, 4],
    [3, 3],
  ];

  it.each(edits)(
    '%i -> %i zones: the same warning as synth, logged on the component',
    async (from, to) => {
      const before = parseSpec(inputFor(from));
      const after = parseSpec(inputFor(to));
      // The Pulumi path: the system nodegroup as the first deployment made it
      const deployed = systemNodegroupIdentityOf(before.spec, undefined);
      const expected = synthWarnings(onSystemNodegroupZones(before, deployed.zones), after);
      const { warnings, logged } = await pulumiWarnings(after, deployed);
      expect(warnings).toEqual(expected);
      expect(warnings).toHaveLength(to < from ? 1 : 0);
      expect(logged.map(entry => entry.message)).toEqual(expected);
      for (const entry of logged) {
        expect((entry.resource as { constructor: { name: string } }).constructor.name).toBe(
          'KafkaEksPlatform',
        );
      }
    },
  );

  it('after zones were appended (the group kept its zones), dropping the appended zone warns on neither side', async () => {
    const two = parseSpec(inputFor(2));
    const three = parseSpec(inputFor(3));
    const deployed = systemNodegroupIdentityOf(
      three.spec,
      systemNodegroupIdentityOf(two.spec, undefined),
    );
    expect(deployed.zones).toEqual(two.spec.zones);
    const expected = synthWarnings(onSystemNodegroupZones(three, deployed.zones), two);
    expect(expected).toEqual([]);
    expect((await pulumiWarnings(two, deployed)).warnings).toEqual([]);
  });

  it('a joined cluster (no system nodegroup of ours): compared with the deployed zones, as synth does', async () => {
    const joinedOn = (count: number) => {
      const zones = ['a', 'b', 'c'].slice(0, count).map(letter => `us-west-2${letter}`);
      return parseSpec({ ...inputFor(count), cluster: existingClusterFor(zones) });
    };
    const three = joinedOn(3);
    const two = joinedOn(2);
    const expected = synthWarnings(three, two);
    expect(expected).toHaveLength(1);
    const { warnings, logged } = await pulumiWarnings(two, undefined, three.spec.zones);
    expect(warnings).toEqual(expected);
    expect(logged.map(entry => entry.message)).toEqual(expected);
    // Without the deployed zones the program cannot tell, and says nothing
    expect((await pulumiWarnings(two, undefined)).warnings).toEqual([]);
  });

  it('a first deployment (no deployed system nodegroup) warns nothing', async () => {
    const { warnings, logged } = await pulumiWarnings(parseSpec(inputFor(2)), undefined);
    expect(warnings).toEqual([]);
    expect(logged).toEqual([]);
  });
});
