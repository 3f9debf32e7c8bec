/**
 * Changes from the previous synth output that Strimzi, Kafka or Kubernetes refuse
 * (charts/transitions.ts): each row of the table over its domain with fast-check, on the objects
 * the real charts build, and each public report as one test.
 */
import fc from 'fast-check';
import type { PlatformSpecInput } from '../../spec';
import { specInput } from '../util/specs';
import { report } from '../util/transitions';

function base(): PlatformSpecInput {
  const input = specInput(3, 2);
  return {
    ...input,
    kafka: {
      ...input.kafka,
      storage: { sizeGi: 100 },
      topics: [{ name: 'orders.v1', partitions: 12 }],
    },
  };
}

function withKafka(kafka: Partial<PlatformSpecInput['kafka']>): PlatformSpecInput {
  const input = base();
  return { ...input, kafka: { ...input.kafka, ...kafka } };
}

const topic = (
  partitions: number,
  replicationFactor?: number,
): PlatformSpecInput['kafka']['topics'] => [
  {
    name: 'orders.v1',
    partitions,
    ...(replicationFactor === undefined ? {} : { replicationFactor, minInSyncReplicas: 1 }),
  },
];

describe('transitions Strimzi, Kafka or Kubernetes refuse', () => {
  it('finds nothing when the spec is synthesized again unchanged', () => {
    expect(report(base(), base())).toEqual({ problems: [], warnings: [] });
  });

  // https://github.com/strimzi/strimzi-kafka-operator/pull/10818 and
  // https://github.com/strimzi/strimzi-kafka-operator/issues/3387: a smaller volume size reached the
  // operator, which could not shrink the PersistentVolumeClaim ("can not be less than previous value").
  it('throws when the broker volume shrinks (strimzi#10818), once for all pools', () => {
    expect(report(base(), withKafka({ storage: { sizeGi: 50 } })).problems).toEqual([
      'kafka.storage.sizeGi: 50 GiB is below the 100 GiB of the broker volumes in the previous output; Kubernetes never shrinks a PersistentVolumeClaim and Strimzi then ignores every storage change of the pool; keep at least 100 (volumes only grow)',
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/6884 and
  // https://github.com/strimzi/strimzi-kafka-operator/pull/2930: a KafkaTopic with fewer partitions
  // was accepted by the API server and could never be reconciled.
  it('throws when a topic loses partitions (strimzi#6884)', () => {
    expect(report(base(), withKafka({ topics: topic(6) })).problems).toEqual([
      'kafka.topics[0].partitions: 6 is below the 12 partitions topic "orders.v1" has in the previous output; Kafka cannot remove partitions and the KafkaTopic would stay NotReady; keep at least 12, or create a new topic',
    ]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/pull/9606 (a user's Topic Operator log:
  // "Replication factor change not supported"): without Cruise Control the replicas cannot change.
  it('throws when a topic changes its replication factor (strimzi#9606)', () => {
    expect(report(base(), withKafka({ topics: topic(12, 2) })).problems).toEqual([
      'kafka.topics[0].replicationFactor: 2 differs from the replication factor 3 topic "orders.v1" has in the previous output; the Topic Operator changes it only through Cruise Control, which this platform does not deploy, so the KafkaTopic would stay NotReady; keep 3 (set it on the topic if kafka.replicationFactor changed), or reassign the replicas with kafka-reassign-partitions first',
    ]);
  });

  it('throws when kafka.version goes back to an older line, and accepts patch steps', () => {
    expect(
      report(withKafka({ version: '4.3.1' }), withKafka({ version: '4.2.1' })).problems,
    ).toEqual([
      'kafka.version: "4.2.1" is an older line than the "4.3.1" of the previous output; once 4.3 runs, Strimzi moves the metadata version to 4.3\'s default (the platform sets none), and the spec cannot lower it first, as a Strimzi downgrade needs (spec.kafka.metadataVersion set to one the older line supports before the version changes), so the older brokers would not start; keep 4.3.x or newer, or lower the metadata version on the Kafka resource by hand and pass --ignore-previous-output',
    ]);
    expect(
      report(withKafka({ version: '4.3.1' }), withKafka({ version: '4.3.0' })).problems,
    ).toEqual([]);
    expect(
      report(withKafka({ version: '4.2.0' }), withKafka({ version: '4.3.1' })).problems,
    ).toEqual([]);
  });

  // https://github.com/strimzi/strimzi-kafka-operator/issues/6736: since Strimzi 0.38 removing a
  // broker that still holds replicas fails the reconciliation ("Cannot scale down brokers").
  it('warns when a zone pool loses brokers (strimzi#6736)', () => {
    const three = specInput(3, 1);
    const six = specInput(3, 2);
    const result = report(
      { ...six, kafka: { ...six.kafka, topics: [] } },
      { ...three, kafka: { ...three.kafka, topics: [] } },
    );
    expect(result.problems).toEqual([]);
    expect(result.warnings).toHaveLength(3);
    expect(result.warnings[0]).toBe(
      'kafka.brokers: node pool "brokers-a" goes from 2 to 1 brokers; Strimzi refuses to remove a broker that still holds partition replicas (the Kafka resource goes NotReady), so move them off the brokers being removed first (kafka-reassign-partitions), or keep 2',
    );
  });

  it('refuses exactly the shrinking sizes, lost partitions and changed replication factors', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 400 }),
        fc.integer({ min: 20, max: 400 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 2, max: 3 }),
        fc.integer({ min: 2, max: 3 }),
        (sizeBefore, sizeAfter, partsBefore, partsAfter, rfBefore, rfAfter) => {
          const before = withKafka({
            storage: { sizeGi: sizeBefore },
            topics: topic(partsBefore, rfBefore),
          });
          const after = withKafka({
            storage: { sizeGi: sizeAfter },
            topics: topic(partsAfter, rfAfter),
          });
          const paths = report(before, after).problems.map(p => p.slice(0, p.indexOf(': ')));
          const expected = [
            ...(sizeAfter < sizeBefore ? ['kafka.storage.sizeGi'] : []),
            ...(partsAfter < partsBefore ? ['kafka.topics[0].partitions'] : []),
            ...(rfAfter !== rfBefore ? ['kafka.topics[0].replicationFactor'] : []),
          ];
          expect(paths).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refuses no topic that is new or gone (a gone one only warns), matching topics by their Kafka name', () => {
    const renamed = withKafka({ topics: [{ name: 'orders.v2', partitions: 1 }] });
    const { problems, warnings } = report(base(), renamed);
    expect(problems).toEqual([]);
    // The gone topic's records go with it (test/charts/transitions-reports-6.test.ts).
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^kafka\.topics: topic "orders\.v1" \(12 partitions\) is not in this output/,
    );
    // A KafkaTopic whose resource name differs from the topic name is still matched by topicName.
    const tricky = withKafka({ topics: [{ name: 'Orders_DLQ', partitions: 8 }] });
    const fewer = withKafka({ topics: [{ name: 'Orders_DLQ', partitions: 4 }] });
    expect(report(tricky, fewer).problems).toHaveLength(1);
  });
});

describe('class: an acting controller moved to another Lease (review s36-a, two leaders)', () => {
  type Autoscaling = NonNullable<PlatformSpecInput['autoscaling']>;
  const at = (namespace: string, autoscaling: Partial<Autoscaling>): PlatformSpecInput => {
    const input = specInput(3, 2);
    return {
      ...input,
      controller: { ...input.controller, namespace },
      autoscaling: { ...input.autoscaling, mode: 'controller', ...autoscaling },
    };
  };

  it('refuses a new controller.namespace while the controller acts, naming both Leases and the three steps', () => {
    const { problems } = report(at('kafka-autoscaler', {}), at('autoscaler-moved', {}));
    expect(problems).toEqual([
      expect.stringMatching(
        /^controller\.namespace: the running controller leads through Lease kafka-autoscaler\/\S+ and this output moves it to autoscaler-moved\/\S+: the old one would go on acting/,
      ),
    ]);
    expect(problems[0]).toContain('set autoscaling.dryRun: true');
    expect(problems[0]).toContain('each applied and rolled out before the next');
  });

  it('no chain of single edits gets a second acting controller past an acting one', () => {
    // Every output along a chain is compared with the one before (as synth runs it), and a chain
    // from "acting in A" that ends "acting in B" is refused at some step unless it passes through
    // an applied "dry run in A" or a controller-less output (which warns that kubectl apply -k
    // leaves the old one running).
    const step = fc.record({
      mode: fc.constantFrom<Autoscaling['mode']>('controller', 'off'),
      dryRun: fc.boolean(),
      namespace: fc.constantFrom('kafka-autoscaler', 'autoscaler-moved'),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 4 }), chain => {
        const outputs = [
          at('kafka-autoscaler', { mode: 'controller', dryRun: false }),
          ...chain.map(s => at(s.namespace, { mode: s.mode, dryRun: s.dryRun })),
        ];
        let refused = false;
        let warned = false;
        let safeStep = false;
        for (let i = 1; i < outputs.length && !refused; i++) {
          const before = outputs[i - 1] as PlatformSpecInput;
          const after = outputs[i] as PlatformSpecInput;
          const result = report(before, after);
          refused = result.problems.some(p => p.startsWith('controller.namespace:'));
          warned ||= result.warnings.some(w => w.startsWith('autoscaling.mode: the running'));
          const next = chain[i - 1];
          if (next !== undefined && next.namespace === 'kafka-autoscaler' && next.dryRun)
            safeStep = true;
        }
        const last = chain[chain.length - 1];
        const endsActingElsewhere =
          last !== undefined &&
          last.mode === 'controller' &&
          !last.dryRun &&
          last.namespace === 'autoscaler-moved';
        if (endsActingElsewhere && !refused) expect(safeStep || warned).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('warns when the running controller leaves the output (kubectl apply -k does not delete it)', () => {
    const { problems, warnings } = report(
      at('kafka-autoscaler', {}),
      at('kafka-autoscaler', { mode: 'off' }),
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([
      expect.stringContaining('autoscaling.mode: the running controller (Lease kafka-autoscaler/'),
    ]);
  });

  it('refuses exactly when the running controller acts and the output moves it to another Lease', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('controller', 'target-tracking', 'off'),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (mode, dryBefore, dryAfter, move) => {
          const before = at('kafka-autoscaler', {
            mode: mode as Autoscaling['mode'],
            dryRun: dryBefore,
          });
          const after = at(move ? 'autoscaler-moved' : 'kafka-autoscaler', {
            mode: mode as Autoscaling['mode'],
            dryRun: dryAfter,
          });
          const refused = report(before, after).problems.some(p =>
            p.startsWith('controller.namespace: the running controller'),
          );
          // Refused whenever the running controller acts and the output moves it, acting there
          // or not (kubectl apply -k leaves the old one acting).
          expect(refused).toBe(mode === 'controller' && !dryBefore && move);
        },
      ),
      { numRuns: 40 },
    );
  });
});
