/**
 * The Kafka Namespace moved from the `kafka` ConfigGroup to the `operators` ConfigGroup (it must
 * exist before Strimzi's release writes RoleBindings into it). On a stack deployed before, only an
 * alias to the former parent keeps the engine from deleting the old one, and the Kafka cluster with
 * it. These tests check the transform the `operators` ConfigGroup gets.
 */
import * as pulumi from '@pulumi/pulumi';
import { namespacesMovedFrom } from '../../components/platform';

const FORMER =
  'urn:pulumi:dev::kafka-eks::kafka-eks:index:Platform$kubernetes:yaml/v2:ConfigGroup::orders-kafka';

describe('namespacesMovedFrom', () => {
  const transform = namespacesMovedFrom(FORMER);

  it('aliases a Namespace child to the former ConfigGroup, keeping its other options', async () => {
    const dependsOn: pulumi.Resource[] = [];
    const result = await transform({
      custom: true,
      type: 'kubernetes:core/v1:Namespace',
      name: 'kafka',
      props: { metadata: { name: 'kafka' } },
      opts: { dependsOn, aliases: [{ name: 'older' }] },
    });
    expect(result?.props).toEqual({ metadata: { name: 'kafka' } });
    expect(result?.opts.dependsOn).toBe(dependsOn);
    expect(result?.opts.aliases).toEqual([{ name: 'older' }, { parent: FORMER }]);
  });

  it('leaves every other child alone', async () => {
    for (const type of [
      'kubernetes:core/v1:ConfigMap',
      'kubernetes:rbac.authorization.k8s.io/v1:Role',
    ]) {
      expect(
        await transform({ custom: true, type, name: 'x', props: {}, opts: {} }),
      ).toBeUndefined();
    }
  });
});
