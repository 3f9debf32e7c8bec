/** KafkaEksPlatform under Pulumi mocks: the same resources as buildPlatformStack, typed outputs. */
import type * as pulumi from '@pulumi/pulumi';
import { exampleSpec, specInput } from '../util/specs';
import { planStack } from './plan-fixture';

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise(resolve => output.apply(value => resolve(value)));
}

describe('KafkaEksPlatform', () => {
  it('registers itself and every resource buildPlatformStack wires, and resolves its outputs', async () => {
    const { recordPlan } = await import('../../components/lib/plan');
    const { KafkaEksPlatform, KAFKA_EKS_PLATFORM_TYPE } =
      await import('../../components/kafka-eks-platform');
    const loaded = exampleSpec('prod');
    let platform: InstanceType<typeof KafkaEksPlatform> | undefined;
    const resources = await recordPlan(undefined, async () => {
      platform = new KafkaEksPlatform('kafka', { spec: loaded });
    });
    const direct = await planStack(loaded);

    expect(resources.filter(resource => resource.type === KAFKA_EKS_PLATFORM_TYPE)).toHaveLength(1);
    const key = (resource: { type: string; name: string }): string =>
      `${resource.type}/${resource.name}`;
    expect(
      resources
        .filter(resource => resource.type !== KAFKA_EKS_PLATFORM_TYPE)
        .map(key)
        .sort(),
    ).toEqual(direct.resources.map(key).sort());

    // THEN what the program alone registers at the top of the stack is a child of the platform
    const topLevel = direct.resources.filter(resource => resource.parent === '(stack)');
    expect(topLevel.map(resource => resource.type)).toContain('kafka-eks:index:Network');
    for (const resource of topLevel) {
      const inComponent = resources.find(r => r.type === resource.type && r.name === resource.name);
      expect(`${key(resource)} -> ${inComponent?.parent}`).toBe(`${key(resource)} -> kafka`);
    }
    expect(resources.find(r => r.type === KAFKA_EKS_PLATFORM_TYPE)?.parent).toBe('(stack)');

    if (platform === undefined) throw new Error('the component was not built');
    expect(await valueOf(platform.clusterName)).toBe(loaded.spec.name);
    const zones = await valueOf(platform.zones);
    expect(Object.keys(zones).sort()).toEqual([...loaded.spec.zones].sort());
    for (const zone of Object.values(zones)) {
      expect(zone.nodegroupName).toMatch(/kafka/);
      expect(typeof zone.autoScalingGroupName).toBe('string');
    }
    expect(await valueOf(platform.bootstrapAddress)).toMatch(/:\d+$/);
    const { isSecret } = await import('@pulumi/pulumi');
    expect(await isSecret(platform.kubeconfig)).toBe(true);
  });

  it('logs every spec warning with pulumi.log.warn on the component, as synth prints it', async () => {
    // Before, the warnings synth prints (an unpublished controller image, a metrics URL nothing
    // serves, a key Kafka ignores) never reached a Pulumi user.
    const pulumiSdk = await import('@pulumi/pulumi');
    const { formatIssue } = await import('../../spec/errors');
    const { parseSpec } = await import('../../spec/load');
    const { recordPlan } = await import('../../components/lib/plan');
    const { KafkaEksPlatform } = await import('../../components/kafka-eks-platform');
    const input = specInput(3, 2);
    const withUnknownKey = {
      ...input,
      kafka: { ...input.kafka, config: { ...input.kafka.config, 'some.unknown.key': 1 } },
    };
    for (const spec of [withUnknownKey, parseSpec(withUnknownKey)]) {
      const logged: Array<{ message: string; resource: unknown }> = [];
      const spy = jest
        .spyOn(pulumiSdk.log, 'warn')
        .mockImplementation(async (message, resource) => void logged.push({ message, resource }));
      let platform: InstanceType<typeof KafkaEksPlatform> | undefined;
      try {
        await recordPlan(undefined, async () => {
          platform = new KafkaEksPlatform('kafka', { spec });
        });
      } finally {
        spy.mockRestore();
      }
      if (platform === undefined) throw new Error('the component was not built');
      const expected = platform.loaded.warnings.map(formatIssue);
      expect(expected.some(line => line.includes('some.unknown.key'))).toBe(true);
      expect(logged.map(entry => entry.message)).toEqual(expect.arrayContaining(expected));
      for (const entry of logged) expect(entry.resource).toBe(platform);
    }
  });

  it('logs no spec warning when the caller says it logged them (specWarningsLogged)', async () => {
    const pulumiSdk = await import('@pulumi/pulumi');
    const { recordPlan } = await import('../../components/lib/plan');
    const { KafkaEksPlatform } = await import('../../components/kafka-eks-platform');
    const input = specInput(3, 2);
    const spec = {
      ...input,
      kafka: { ...input.kafka, config: { ...input.kafka.config, 'some.unknown.key': 1 } },
    };
    const logged: string[] = [];
    const spy = jest
      .spyOn(pulumiSdk.log, 'warn')
      .mockImplementation(async message => void logged.push(message));
    try {
      await recordPlan(undefined, async () => {
        new KafkaEksPlatform('kafka', { spec, specWarningsLogged: true });
      });
    } finally {
      spy.mockRestore();
    }
    expect(logged.filter(line => line.includes('some.unknown.key'))).toEqual([]);
  });

  it('validates a plain spec object before registering anything', async () => {
    const { KafkaEksPlatform } = await import('../../components/kafka-eks-platform');
    const bad = { ...specInput(3, 2), zones: [] };
    expect(() => new KafkaEksPlatform('kafka', { spec: bad })).toThrow(/zones/);
  });
});
