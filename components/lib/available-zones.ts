/**
 * The deploy-time zone check: before the program creates anything it asks AWS which of the spec's
 * zones exist, are in state `available` and are open to the account, and refuses the rest. Which
 * zone letters a region has changes as AWS adds zones and no machine-readable per-region list
 * ships with the tools this project installs, so the offline spec check stops at the zone's shape
 * (spec/rules.ts) and this check asks the provider's region at `pulumi preview` and `pulumi up`.
 *
 * The first invoke filters on the spec's zone names (so a mock that echoes the filter answers
 * with the spec's zones); only when one is missing does a second list every zone for the message.
 * The invokes omit `allAvailabilityZones`, so AWS lists Availability Zones and only the Local and
 * Wavelength Zones the account has opted in to (DescribeAvailabilityZones); a Local Zone whose
 * group is not opted in is refused like a zone that does not exist. The result carries no per-zone
 * opt-in status, so the message names both causes.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { providerRegionProblem } from './region';

/** Token of the invoke, for mocks that answer it. */
export const GET_AVAILABILITY_ZONES_TOKEN = 'aws:index/getAvailabilityZones:getAvailabilityZones';

/**
 * The problem, one paragraph naming each spec zone AWS did not list, the zones it did list and
 * the fix; undefined when every spec zone is listed.
 * @param specZones the spec's `zones`, for example `['us-east-1a', 'us-east-1z']`.
 * @param listedZones the zone names AWS lists as available to the account in the provider's region.
 * @param providerRegion the region AWS was asked about, when known, to name in the message.
 */
export function unavailableZonesProblem(
  specZones: readonly string[],
  listedZones: readonly string[],
  providerRegion?: string,
): string | undefined {
  const listed = new Set(listedZones);
  const missing = specZones.filter(zone => !listed.has(zone));
  if (missing.length === 0) return undefined;
  const where =
    providerRegion === undefined || providerRegion === '' ? '' : ` of ${providerRegion}`;
  const shown = [...listedZones].sort();
  const listing = shown.length === 0 ? 'none' : shown.join(', ');
  return (
    `zones: ${missing.map(zone => JSON.stringify(zone)).join(', ')} ` +
    `${missing.length === 1 ? 'is' : 'are'} not an available zone${where} for this account ` +
    `(AWS lists ${listing}): the zone does not exist, is not in state available, or is a Local ` +
    `Zone whose group the account has not opted in to. Fix: list zones AWS lists in zones, or opt ` +
    `in to the zone's group (aws ec2 modify-availability-zone-group); nothing was created.`
  );
}

/**
 * Asks AWS (the default provider's region) which of `zones` are available and throws when one is
 * not, before any resource is registered. Call it first in the program, next to
 * `refuseStatefulChanges`.
 * @param spec the spec's `region` and `zones`.
 * @throws pulumi.RunError (the engine prints the message alone) naming the zones, the listed
 *   zones and the fix; or, when the provider's region is not the spec's, naming both regions.
 */
export async function refuseUnavailableZones(spec: {
  readonly region: string;
  readonly zones: readonly string[];
}): Promise<void> {
  // A provider in another region lists none of the spec's zones: name that cause instead.
  const regionProblem = providerRegionProblem(spec.region, aws.config.region);
  if (regionProblem !== undefined) throw new pulumi.RunError(regionProblem);
  const asked = await aws.getAvailabilityZones({
    state: 'available',
    filters: [{ name: 'zone-name', values: [...spec.zones] }],
  });
  if (unavailableZonesProblem(spec.zones, asked.names ?? []) === undefined) return;
  // Only on the way out: every zone AWS lists, for the message.
  const all = await aws.getAvailabilityZones({ state: 'available' });
  const problem =
    unavailableZonesProblem(spec.zones, all.names ?? [], all.region) ??
    unavailableZonesProblem(spec.zones, asked.names ?? []);
  throw new pulumi.RunError(problem ?? 'zones: AWS did not list every zone of the spec');
}
