/**
 * One region for the spec and the AWS provider. The spec's `region` drives the zones, the subnets,
 * the Cluster Autoscaler and the load balancer controller; the AWS provider decides where the
 * resources are created. With the default provider that is `aws:region` (stack config, or the
 * project default in Pulumi.yaml), else the `AWS_REGION`, else the `AWS_DEFAULT_REGION`
 * environment variable (@pulumi/aws `config.region`, the value the default provider reads). When
 * the two differ, `pulumi up` creates the VPC in the provider's region and fails only at the first
 * subnet in a zone of the spec's region, with part of the platform already created.
 *
 * The message names where the provider looks, not which place set the value: it runs in any
 * Pulumi program (a user's has its own Pulumi.yaml, with or without an aws:region default).
 */

/**
 * The problem, one paragraph naming both values and the fix, when `providerRegion` is known and
 * differs from `specRegion`; undefined otherwise (an unknown provider region cannot be checked).
 * @param specRegion the spec's `region`, for example `eu-central-1`.
 * @param providerRegion the default AWS provider's region, or undefined when none is configured.
 */
export function providerRegionProblem(
  specRegion: string,
  providerRegion: string | undefined,
): string | undefined {
  if (providerRegion === undefined || providerRegion === '' || providerRegion === specRegion) {
    return undefined;
  }
  return (
    `the spec's region is "${specRegion}", but the AWS provider would create every resource in ` +
    `"${providerRegion}" (the default provider reads aws:region from the stack's config or the ` +
    `project's Pulumi.yaml, else the AWS_REGION, else the AWS_DEFAULT_REGION environment ` +
    `variable). Fix: pulumi config set aws:region ${specRegion}, or change region and zones in ` +
    `the spec.`
  );
}
