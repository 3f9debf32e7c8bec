/**
 * The program against the stack's last deployment (stack outputs `statefulIdentity`,
 * `systemNodegroup`, and `zoneOrder` of earlier versions), under Pulumi's mocks:
 * `kafkaEksPlatformMocks` answers the StackReference `refuseStatefulChanges` reads with
 * `lastDeploymentOutputs`. Each run loads the program and the Pulumi SDK afresh and runs it inside a
 * stack, as the engine does.
 */
import { kafkaEksPlatformMocks, MOCK_ORGANIZATION } from 'kafka-eks-autoscaling/testing';

/** Runs the program (zones us-east-1a, b, c) after a deployment that exported `outputs`. */
async function runAfter(
  outputs: Record<string, unknown>,
  availableZones?: readonly string[],
): Promise<{
  error: unknown;
  registered: string[];
  nodegroupInputs: Record<string, unknown>[];
  isRunError: boolean;
}> {
  let error: unknown;
  let isRunError = false;
  const registered: string[] = [];
  const nodegroupInputs: Record<string, unknown>[] = [];
  await jest.isolateModulesAsync(async () => {
    const pulumi = await import('@pulumi/pulumi');
    await pulumi.runtime.setMocks(
      kafkaEksPlatformMocks(
        args => {
          registered.push(`${args.type}::${args.name}`);
          if (args.type === 'aws:eks/nodeGroup:NodeGroup') nodegroupInputs.push(args.inputs);
        },
        {
          lastDeploymentOutputs: outputs,
          ...(availableZones === undefined ? {} : { availableZones }),
        },
      ),
      'kafka-platform-example',
      'test',
      false,
      MOCK_ORGANIZATION,
    );
    const { default: program } = await import('../index');
    // As the engine runs a program: the stack waits for every registration before it ends.
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return await program();
      } catch (caught) {
        error = caught;
        isRunError = pulumi.RunError.isInstance(caught as Error);
        return undefined;
      }
    });
    await pulumi.runtime.disconnect();
  });
  return { error, registered, nodegroupInputs, isRunError };
}

describe('zones against the last deployment', () => {
  it('refuses a reorder before creating anything, naming zones, both lists and the fix', async () => {
    // GIVEN a last deployment with us-east-1b first
    const { error, registered, isRunError } = await runAfter({
      zoneOrder: ['us-east-1b', 'us-east-1a', 'us-east-1c'],
    });
    // THEN the program stops with a RunError (the engine prints the message alone)
    expect(isRunError).toBe(true);
    const message = (error as Error).message;
    expect(message).toMatch(/^zones: \["us-east-1a", "us-east-1b", "us-east-1c"\] does not keep/);
    expect(message).toContain(
      'position 1 holds "us-east-1a" instead of "us-east-1b" (which moves to position 2)',
    );
    expect(message).toContain('Fix: use zones ["us-east-1b", "us-east-1a", "us-east-1c"]');
    // AND registered no resource (but the stack itself)
    expect(registered).toEqual(['pulumi:pulumi:Stack::kafka-platform-example-test']);
  }, 60_000);

  it('runs after a deployment with fewer zones (a zone appended at the end) or the same ones', async () => {
    for (const zoneOrder of [
      ['us-east-1a', 'us-east-1b'],
      ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    ]) {
      const { error, registered } = await runAfter({ zoneOrder });
      expect(error).toBeUndefined();
      expect(registered).toContain('kafka-eks:index:KafkaEksPlatform::kafka');
    }
  }, 120_000);

  it('refuses a changed name against statefulIdentity before creating anything', async () => {
    // GIVEN a last deployment recorded under another platform name
    const { error, registered, isRunError } = await runAfter({
      statefulIdentity: { name: 'orders-old' },
    });
    // THEN the program stops naming the field, both values, and registers nothing
    expect(isRunError).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('name');
    expect(message).toContain('orders-old');
    expect(message).toContain('orders-dev');
    expect(registered).toEqual(['pulumi:pulumi:Stack::kafka-platform-example-test']);
  }, 60_000);

  it('keeps the deployed system nodegroup when a zone was appended', async () => {
    // GIVEN a last deployment on two zones whose system nodegroup spans them
    const { error, nodegroupInputs } = await runAfter({
      zoneOrder: ['us-east-1a', 'us-east-1b'],
      systemNodegroup: { name: 'orders-dev-system', zones: ['us-east-1a', 'us-east-1b'] },
    });
    // THEN the program runs and the system nodegroup keeps its name and its two zones' subnets
    expect(error).toBeUndefined();
    const system = nodegroupInputs.filter(
      inputs => inputs['nodeGroupName'] === 'orders-dev-system',
    );
    expect(system).toHaveLength(1);
    expect(system[0]?.['subnetIds']).toHaveLength(2);
  }, 60_000);

  it('refuses a spec zone the account does not have before creating anything', async () => {
    // GIVEN an account whose region lists no us-east-1c
    const { error, registered, isRunError } = await runAfter({}, ['us-east-1a', 'us-east-1b']);
    // THEN the program stops naming the zone, and registers nothing
    expect(isRunError).toBe(true);
    expect((error as Error).message).toContain('us-east-1c');
    expect(registered).toEqual(['pulumi:pulumi:Stack::kafka-platform-example-test']);
  }, 60_000);
});
