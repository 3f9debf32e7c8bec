import {
  AutoScalingAdapter,
  AutoScalingRefusal,
  type AutoScalingCalls,
} from '../../../controller/adapters/autoscaling';

const sdkError = (name: string, status: number, message = name) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

/** A fake group with one InService instance per entry, and scripted faults per call. */
class FakeAutoScaling implements AutoScalingCalls {
  desired = 2;
  min = 1;
  instances = new Map([
    ['i-1', 'InService'],
    ['i-2', 'InService'],
  ]);
  faults: Record<string, Array<Error | 'succeed-then-timeout'>> = {};
  calls: string[] = [];
  terminateInputs: unknown[] = [];

  private fault(call: string, apply: () => void): void {
    this.calls.push(call);
    const next = this.faults[call]?.shift();
    if (next === 'succeed-then-timeout') {
      apply();
      throw sdkError('TimeoutError', 0, 'socket timeout');
    }
    if (next !== undefined) throw next;
    apply();
  }

  async describeGroups() {
    this.fault('describeGroups', () => undefined);
    return {
      $metadata: {},
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'asg-a',
          MinSize: this.min,
          MaxSize: 4,
          DesiredCapacity: this.desired,
          DefaultCooldown: 0,
          AvailabilityZones: ['us-east-1a'],
          HealthCheckType: 'EC2',
          CreatedTime: new Date(0),
          Tags: [{ Key: 'eks:nodegroup-name', Value: 'orders-kafka-a' }],
          Instances: [...this.instances].map(([InstanceId, LifecycleState]) => ({
            InstanceId,
            LifecycleState: LifecycleState as 'InService',
            AvailabilityZone: 'us-east-1a',
            HealthStatus: 'Healthy',
            ProtectedFromScaleIn: true,
          })),
        },
      ],
    };
  }
  async describeInstances(input: { InstanceIds?: string[] }) {
    this.fault('describeInstances', () => undefined);
    const id = input.InstanceIds?.[0] ?? '';
    const state = this.instances.get(id);
    return {
      $metadata: {},
      AutoScalingInstances:
        state === undefined
          ? []
          : [
              {
                InstanceId: id,
                AutoScalingGroupName: 'asg-a',
                LifecycleState: state,
                AvailabilityZone: 'us-east-1a',
                HealthStatus: 'HEALTHY',
                ProtectedFromScaleIn: true,
              },
            ],
    };
  }
  async setDesiredCapacity(input: { DesiredCapacity?: number }) {
    this.fault('setDesiredCapacity', () => {
      this.desired = input.DesiredCapacity ?? this.desired;
    });
    return {};
  }
  async terminateInstance(input: {
    InstanceId?: string;
    ShouldDecrementDesiredCapacity?: boolean;
  }) {
    this.terminateInputs.push(input);
    this.fault('terminateInstance', () => {
      if (this.desired <= this.min)
        throw sdkError('ValidationError', 400, 'Currently, desiredSize equals minSize (1).');
      this.instances.set(input.InstanceId ?? '', 'Terminating');
      if (input.ShouldDecrementDesiredCapacity === true) this.desired -= 1;
    });
    return {};
  }
}

const delays: number[] = [];
const adapter = (fake: FakeAutoScaling) =>
  new AutoScalingAdapter(fake, {
    attempts: 4,
    backoffBaseMs: 100,
    delay: async ms => void delays.push(ms),
  });

beforeEach(() => {
  delays.length = 0;
});

describe('AutoScalingAdapter', () => {
  test('finds zone groups by the nodegroup tag', async () => {
    const fake = new FakeAutoScaling();
    const groups = await adapter(fake).describeZoneGroups([
      { zone: 'us-east-1a', poolName: 'brokers-a', nodegroupName: 'orders-kafka-a', brokers: 4 },
      { zone: 'us-east-1b', poolName: 'brokers-b', nodegroupName: 'orders-kafka-b', brokers: 4 },
    ]);
    expect(groups).toEqual([
      expect.objectContaining({
        zone: 'us-east-1a',
        groupName: 'asg-a',
        desired: 2,
        min: 1,
        max: 4,
      }),
    ]);
  });

  test('retries Throttling with growing backoff, then succeeds', async () => {
    const fake = new FakeAutoScaling();
    fake.faults.setDesiredCapacity = [sdkError('Throttling', 400), sdkError('Throttling', 400)];
    await adapter(fake).raiseDesiredCapacity('asg-a', 3);
    expect(fake.desired).toBe(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
  });

  test('gives up after the attempt budget instead of storming', async () => {
    const fake = new FakeAutoScaling();
    fake.faults.setDesiredCapacity = Array.from({ length: 10 }, () => sdkError('Throttling', 400));
    await expect(adapter(fake).raiseDesiredCapacity('asg-a', 3)).rejects.toThrow('Throttling');
    expect(fake.calls.filter(call => call === 'setDesiredCapacity')).toHaveLength(4);
  });

  test('never lowers desired capacity', async () => {
    const fake = new FakeAutoScaling();
    await adapter(fake).raiseDesiredCapacity('asg-a', 1);
    expect(fake.calls).not.toContain('setDesiredCapacity');
    expect(fake.desired).toBe(2);
  });

  test('terminates exactly the instance, with the decrement', async () => {
    const fake = new FakeAutoScaling();
    expect(await adapter(fake).terminateInstance('asg-a', 'i-2')).toBe('requested');
    expect(fake.terminateInputs).toEqual([
      { InstanceId: 'i-2', ShouldDecrementDesiredCapacity: true },
    ]);
    expect(fake.desired).toBe(1);
    expect(fake.instances.get('i-1')).toBe('InService');
  });

  test('a timeout after a successful terminate is not retried into a second decrement', async () => {
    const fake = new FakeAutoScaling();
    fake.desired = 3;
    fake.instances.set('i-3', 'InService');
    fake.faults.terminateInstance = ['succeed-then-timeout'];
    expect(await adapter(fake).terminateInstance('asg-a', 'i-2')).toBe('already-leaving');
    expect(fake.terminateInputs).toHaveLength(1);
    expect(fake.desired).toBe(2);
  });

  test('calling terminate again for a leaving instance does nothing', async () => {
    const fake = new FakeAutoScaling();
    await adapter(fake).terminateInstance('asg-a', 'i-2');
    expect(await adapter(fake).terminateInstance('asg-a', 'i-2')).toBe('already-leaving');
    expect(fake.terminateInputs).toHaveLength(1);
    expect(fake.desired).toBe(1);
  });

  test('refuses at minimum size before calling, and never retries without the decrement', async () => {
    const fake = new FakeAutoScaling();
    fake.desired = 1;
    await expect(adapter(fake).terminateInstance('asg-a', 'i-2')).rejects.toThrow(
      AutoScalingRefusal,
    );
    expect(fake.terminateInputs).toEqual([]);
  });

  test('ValidationError from the API stops at once', async () => {
    const fake = new FakeAutoScaling();
    fake.faults.terminateInstance = [
      sdkError('ValidationError', 400, 'desiredSize equals minSize'),
    ];
    await expect(adapter(fake).terminateInstance('asg-a', 'i-2')).rejects.toThrow(
      /refused: desiredSize/,
    );
    expect(fake.terminateInputs).toEqual([
      { InstanceId: 'i-2', ShouldDecrementDesiredCapacity: true },
    ]);
    expect(delays).toEqual([]);
  });

  test('retries a 500 on describe', async () => {
    const fake = new FakeAutoScaling();
    fake.faults.describeInstances = [sdkError('InternalFailure', 500)];
    expect(await adapter(fake).terminateInstance('asg-a', 'i-1')).toBe('requested');
    expect(delays).toHaveLength(1);
  });
});
