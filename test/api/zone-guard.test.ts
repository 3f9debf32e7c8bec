/**
 * The `zones` guard as a user's own Pulumi program gets it from the package entries:
 * `refuseMovedZones` and `ZONE_ORDER_OUTPUT` (`kafka-eks-autoscaling/pulumi`) under
 * `kafkaEksPlatformMocks` with `lastDeploymentOutputs` (`kafka-eks-autoscaling/testing`).
 * examples/pulumi-program runs the same against the packed library (`npm run test:examples`).
 */

/** Runs `refuseMovedZones(zones)` inside a mocked stack whose last deployment exported `outputs`. */
async function guard(
  zones: readonly string[],
  outputs: Record<string, unknown>,
  organization: string | undefined,
): Promise<{ error: unknown; isRunError: boolean }> {
  let error: unknown;
  let isRunError = false;
  await jest.isolateModulesAsync(async () => {
    const pulumi = await import('@pulumi/pulumi');
    const { kafkaEksPlatformMocks } = await import('../../api/testing');
    const { refuseMovedZones } = await import('../../api/pulumi');
    await pulumi.runtime.setMocks(
      kafkaEksPlatformMocks(undefined, { lastDeploymentOutputs: outputs }),
      'mine',
      'prod',
      false,
      organization,
    );
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        await refuseMovedZones(zones);
      } catch (caught) {
        error = caught;
        isRunError = pulumi.RunError.isInstance(caught as Error);
      }
      return undefined;
    });
    await pulumi.runtime.disconnect();
  });
  return { error, isRunError };
}

/** The `name` input of the StackReference `refuseMovedZones` reads, in a mocked stack `mine/prod`. */
async function referencedStackName(organization: string): Promise<unknown> {
  let name: unknown;
  await jest.isolateModulesAsync(async () => {
    const pulumi = await import('@pulumi/pulumi');
    const { kafkaEksPlatformMocks } = await import('../../api/testing');
    const { refuseMovedZones } = await import('../../api/pulumi');
    const mocks = kafkaEksPlatformMocks(undefined, {});
    await pulumi.runtime.setMocks(
      {
        newResource: args => {
          if (args.type === 'pulumi:pulumi:StackReference') name = args.inputs['name'];
          return mocks.newResource(args);
        },
        call: args => mocks.call(args),
      },
      'mine',
      'prod',
      false,
      organization,
    );
    await pulumi.runtime.runInPulumiStack(async () => {
      await refuseMovedZones(['a']);
      return undefined;
    });
    await pulumi.runtime.disconnect();
  });
  return name;
}

describe('refuseMovedZones from kafka-eks-autoscaling/pulumi', () => {
  it('refuses zones that reorder the ones in the stack output ZONE_ORDER_OUTPUT (a RunError with the fix)', async () => {
    const { ZONE_ORDER_OUTPUT } = await import('../../api/pulumi');
    const { error, isRunError } = await guard(
      ['us-east-1b', 'us-east-1a'],
      { [ZONE_ORDER_OUTPUT]: ['us-east-1a', 'us-east-1b'] },
      'organization',
    );
    expect(isRunError).toBe(true);
    expect((error as Error).message).toContain(
      'zones: ["us-east-1b", "us-east-1a"] does not keep the zones the stack last deployed, ["us-east-1a", "us-east-1b"] (stack output zoneOrder)',
    );
  });

  it('passes an appended zone, and a first deployment (the mocks default to no outputs)', async () => {
    expect(
      (await guard(['a', 'b', 'c'], { zoneOrder: ['a', 'b'] }, 'organization')).error,
    ).toBeUndefined();
    expect((await guard(['b', 'a'], {}, 'organization')).error).toBeUndefined();
  });

  it('names the fix when the mocks give no organization (the stack name needs one)', async () => {
    const { error, isRunError } = await guard(['a'], {}, undefined);
    expect(isRunError).toBe(false);
    expect((error as Error).message).toContain(
      'Fix: under Pulumi mocks, pass an organization as the fifth argument of pulumi.runtime.setMocks, for example MOCK_ORGANIZATION from kafka-eks-autoscaling/testing',
    );
  });
  it('names its own stack in the form the backend accepts: <stack> on a DIY backend, <organization>/<project>/<stack> on Pulumi Cloud', async () => {
    // Every DIY backend reports the organization "organization"; its legacy layout refuses a name
    // with "/" (checked under the real engine by test/engine/zone-order.test.ts).
    expect(await referencedStackName('organization')).toBe('prod');
    expect(await referencedStackName('acme')).toBe('acme/mine/prod');
  });
});
