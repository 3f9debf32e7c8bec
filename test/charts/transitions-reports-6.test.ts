/**
 * Sixth round of issue #12, the transition side (charts/transitions.ts): changes between two
 * outputs that each pass validation alone but that Kafka or Kubernetes refuse once the first is
 * applied. One test per public report (cited in its name) and a fast-check property per class.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import type { KubeObject } from '../../charts/synth';
import {
  RESIZABLE_THREAD_POOLS,
  threadPoolResizeAccepted,
  threadPoolSteps,
  transitionReport,
} from '../../charts/transitions';
import {
  objectsOf,
  report,
  kafkaResource,
  withKafka,
  type BrokerConfig,
} from '../util/transitions';

const SPEC = parseSpec(withKafka({})).spec;

function configReport(before: BrokerConfig, after: BrokerConfig): string[] {
  return transitionReport([kafkaResource(before)], [kafkaResource(after)], SPEC).problems.map(
    p => `${p.path}: ${p.message}`,
  );
}

describe('class: a thread pool resized beyond what a running broker accepts', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/10253: num.io.threads 4 -> 14 made the
  // broker refuse the dynamic update (InvalidRequestException) and the operator restart the
  // brokers at every reconciliation; #7391 is the same loop, which the maintainers call a
  // configuration Kafka gives no way to validate up front.
  it('throws when num.io.threads goes from 4 to 14 (strimzi#10253)', () => {
    expect(
      report(
        withKafka({ config: { 'num.io.threads': 4 } }),
        withKafka({ config: { 'num.io.threads': 14 } }),
      ).problems,
    ).toEqual([
      'kafka.config["num.io.threads"]: 14 is more than double the 4 of the previous output, the size the brokers run; Kafka resizes this thread pool in a running broker only to between half and double its size and refuses anything else, so Strimzi\'s dynamic update fails, the new size does not take effect, and Strimzi may restart the brokers over and over (strimzi-kafka-operator#10253, #7391); go there in steps, synthesizing and applying each before the next: 8, 14',
    ]);
  });

  it("measures a key the previous output leaves out from Kafka's default, both ways", () => {
    expect(configReport({}, { 'num.network.threads': 12 })).toEqual([
      `kafka.config["num.network.threads"]: 12 is more than double the 3 the brokers run (Kafka's default; the previous output does not set it); Kafka resizes this thread pool in a running broker only to between half and double its size and refuses anything else, so Strimzi's dynamic update fails, the new size does not take effect, and Strimzi may restart the brokers over and over (strimzi-kafka-operator#10253, #7391); go there in steps, synthesizing and applying each before the next: 6, 12`,
    ]);
    expect(configReport({ 'background.threads': 2 }, {})).toHaveLength(1);
    expect(configReport({ 'background.threads': 5 }, {})).toEqual([]);
  });

  it('refuses exactly the resizes outside half to double, for every resizable pool', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(RESIZABLE_THREAD_POOLS)),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 64 }),
        (key, was, now) => {
          const refused = now !== was && (now > 2 * was || now < Math.max(1, Math.floor(was / 2)));
          const found = configReport({ [key]: was }, { [key]: String(now) });
          expect(found.length).toBe(refused ? 1 : 0);
          // The steps the message offers are each a resize Kafka accepts, ending at the target.
          const steps = threadPoolSteps(was, now);
          expect(steps.at(-1) ?? was).toBe(now);
          [was, ...steps].slice(1).forEach((size, index) => {
            expect(threadPoolResizeAccepted([was, ...steps][index] ?? was, size)).toBe(true);
          });
        },
      ),
    );
  });
});

describe('class: a StorageClass parameter Kubernetes does not let change', () => {
  // https://github.com/gardener/gardener-extension-provider-aws/pull/502 (a reviewer re-applied an
  // EBS StorageClass with another volume type: "parameters: Forbidden: updates to parameters are
  // forbidden") and https://github.com/microsoft/CromwellOnAzure/issues/767 (an upgrade failed on
  // the same refusal).
  it('throws when kafka.storage.iops changes (gardener-extension-provider-aws#502)', () => {
    expect(
      report(withKafka({ storage: { iops: 3000 } }), withKafka({ storage: { iops: 6000 } }))
        .problems,
    ).toEqual([
      'kafka.storage.iops: StorageClass "kafka-broker-gp3" would change fields Kubernetes does not let change (iops "3000" -> "6000"); it refuses any update of a StorageClass\'s parameters, provisioner, reclaimPolicy or volumeBindingMode ("updates to parameters are forbidden"), so applying this output fails (gardener/gardener-extension-provider-aws#502, microsoft/CromwellOnAzure#767), and a class reaches only volumes created after it changes, never the running brokers\' volumes; keep kafka.storage.iops 3000, and change a running volume\'s IOPS or throughput on the EBS side (ModifyVolume, such as aws ec2 modify-volume), which gp3 allows while the broker runs',
    ]);
  });

  it('throws when the platform itself changes an immutable field, naming the way out', () => {
    // GIVEN a previous output written by a version whose broker class deleted its volumes
    const input = withKafka({});
    const previous = objectsOf(input).map(object =>
      object.kind === 'StorageClass' && object.metadata.name === 'kafka-broker-gp3'
        ? ({ ...object, reclaimPolicy: 'Delete' } as KubeObject)
        : object,
    );
    // WHEN the current output is compared with it
    const { problems } = transitionReport(previous, objectsOf(input), parseSpec(input).spec);
    // THEN the refusal is at kafka.storage and says the spec cannot fix it
    expect(problems.map(p => `${p.path}: ${p.message}`)).toEqual([
      expect.stringMatching(
        /^kafka\.storage: StorageClass "kafka-broker-gp3" would change fields Kubernetes does not let change \(reclaimPolicy "Delete" -> "Retain"\);.*; the change comes from the platform, not the spec: delete the StorageClass by hand just before applying/,
      ),
    ]);
  });

  it('refuses exactly a changed IOPS or throughput, and lets the volume size grow', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(3000, 4000),
        fc.constantFrom(3000, 4000),
        fc.constantFrom(125, 250),
        fc.constantFrom(125, 250),
        (iopsBefore, iopsAfter, throughputBefore, throughputAfter) => {
          const found = report(
            withKafka({
              storage: { sizeGi: 100, iops: iopsBefore, throughputMiBps: throughputBefore },
            }),
            withKafka({
              storage: { sizeGi: 200, iops: iopsAfter, throughputMiBps: throughputAfter },
            }),
          ).problems;
          const changed = iopsBefore !== iopsAfter || throughputBefore !== throughputAfter;
          expect(found.length).toBe(changed ? 1 : 0);
          if (changed) {
            expect(found[0]).toMatch(
              iopsBefore !== iopsAfter
                ? /^kafka\.storage\.iops: /
                : /^kafka\.storage\.throughputMiBps: /,
            );
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('class: a cluster-wide min ISR change under Eligible Leader Replicas (warning)', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/11685: with ELR on (Kafka 4.1's
  // default) the broker refused "Broker-level min.insync.replicas cannot be altered while ELR is
  // enabled" and the operator restarted the brokers endlessly; #11854 was the same loop on removing
  // it. Strimzi now applies it cluster-wide, and the change still clears every partition's ELR.
  it('warns when kafka.minInSyncReplicas changes (strimzi#11685)', () => {
    const result = report(withKafka({ minInSyncReplicas: 1 }), withKafka({ minInSyncReplicas: 2 }));
    expect(result.problems).toEqual([]);
    // (The internal topics' min ISR rendered from the same field has its own warning since round
    // 7: transitions-reports-7.test.ts.)
    expect(result.warnings.filter(w => w.includes('cluster-wide min.insync.replicas'))).toEqual([
      "kafka.minInSyncReplicas: 2 changes the cluster-wide min.insync.replicas from the 1 of the previous output. With Eligible Leader Replicas on (KIP-966; on by default in clusters created at Kafka 4.1 or later) Kafka takes it only cluster-wide, as the pinned Strimzi applies it (releases before 0.48 tried it per broker and restarted the brokers in a loop, strimzi-kafka-operator#11685), and the change clears every partition's eligible leader replicas, so a partition below its min ISR at that moment loses the replicas it could safely elect a leader from; raised, it also stops the high watermark of every partition with fewer in-sync replicas than the new value (consumers get no new records, acks=all producers fail). Apply it while no partition is under-replicated and no broker move is in flight, or keep 1",
    ]);
  });

  it('warns exactly when the value changes, at the field that set it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2),
        fc.constantFrom(1, 2),
        fc.boolean(),
        (before, after, viaConfig) => {
          const spec = (value: number): PlatformSpecInput =>
            viaConfig
              ? withKafka({ config: { 'min.insync.replicas': value } })
              : withKafka({ minInSyncReplicas: value });
          const paths = report(spec(before), spec(after))
            .warnings.filter(w => w.includes('cluster-wide min.insync.replicas'))
            .map(w => w.slice(0, w.indexOf(': ')));
          const path = viaConfig
            ? 'kafka.config["min.insync.replicas"]'
            : 'kafka.minInSyncReplicas';
          expect(paths).toEqual(before === after ? [] : [path]);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('class: a load balancer setting that replaces every NLB (warning)', () => {
  // https://github.com/kubernetes-sigs/aws-load-balancer-controller/pull/4860: a user changed a
  // managed load balancer from internet-facing to internal and found it cannot be done in place;
  // the controller replaces a load balancer whose scheme differs (its deployer's replacement rule).
  function external(
    scheme: 'internal' | 'internet-facing',
  ): PlatformSpecInput['kafka']['external'] {
    return { enabled: true, allowedCidrs: ['10.0.0.0/8'], scheme, allowPublic: true };
  }

  it('warns when kafka.external.scheme changes (aws-load-balancer-controller#4860)', () => {
    const result = report(
      withKafka({ external: external('internal') }),
      withKafka({ external: external('internet-facing') }),
    );
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      'kafka.external.scheme: "internet-facing" replaces the "internal" scheme of the previous output; a load balancer\'s scheme cannot change in place, so the AWS Load Balancer Controller deletes every broker NLB and the bootstrap NLB and creates new ones (kubernetes-sigs/aws-load-balancer-controller#4860): new DNS names and addresses, which the brokers advertise only once Strimzi has reconciled, and clients holding an old address or name fail until they get a new one; plan it as an outage of the external listener, or keep "internal"',
    ]);
  });

  it('warns exactly when the scheme of a running external listener changes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('internal', 'internet-facing') as fc.Arbitrary<
          'internal' | 'internet-facing'
        >,
        fc.constantFrom('internal', 'internet-facing') as fc.Arbitrary<
          'internal' | 'internet-facing'
        >,
        fc.boolean(),
        (before, after, enabledBefore) => {
          const was = { ...external(before), enabled: enabledBefore };
          const paths = report(
            withKafka({ external: was }),
            withKafka({ external: external(after) }),
          ).warnings.map(w => w.slice(0, w.indexOf(': ')));
          expect(paths).toEqual(enabledBefore && before !== after ? ['kafka.external.scheme'] : []);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('class: a change that makes the Topic Operator delete a topic and its records (warning)', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/1593 and #2775: users lost topics
  // and their data when the KafkaTopic resources were gone, since the Topic Operator deletes the
  // topic of a deleted KafkaTopic. Taking a topic out of kafka.topics prunes its KafkaTopic.
  const topics = (...names: string[]): PlatformSpecInput['kafka']['topics'] =>
    names.map(name => ({ name, partitions: 6 }));

  it('warns when a topic leaves kafka.topics (strimzi#1593)', () => {
    const result = report(
      withKafka({ topics: topics('orders.v1', 'audit.log') }),
      withKafka({ topics: topics('orders.v1') }),
    );
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      'kafka.topics: topic "audit.log" (6 partitions) is not in this output; applying it deletes its KafkaTopic, and the Topic Operator then deletes the topic in Kafka with all its records (strimzi-kafka-operator#1593, #2775); a renamed topic starts empty. To keep the data, keep the topic in kafka.topics, or annotate KafkaTopic "audit.log" with strimzi.io/managed: "false" before applying',
    ]);
  });

  it('warns when a kept topic gets a KafkaTopic of another resource name (an earlier naming)', () => {
    // GIVEN a previous output written by a version that named the resource of "orders._dlq"
    // differently from today's cleaned-up name plus hash
    const input = withKafka({ topics: topics('orders._dlq') });
    const previous = objectsOf(input).map(object =>
      object.kind === 'KafkaTopic'
        ? { ...object, metadata: { ...object.metadata, name: 'orders-dlq' } }
        : object,
    );
    // WHEN the current output is compared with it
    const { problems, warnings } = transitionReport(
      previous,
      objectsOf(input),
      parseSpec(input).spec,
    );
    // THEN the pruned old resource is named, with the annotation that keeps the topic
    expect(problems).toEqual([]);
    expect(warnings.map(w => `${w.path}: ${w.message}`)).toEqual([
      'kafka.topics[0].name: topic "orders._dlq" gets the KafkaTopic "orders.dlq-aed87e8d" instead of the "orders-dlq" of the previous output; GitOps prunes "orders-dlq", and the Topic Operator deletes the topic with all its records when a KafkaTopic that manages it is deleted (strimzi-kafka-operator#1593, #2775); annotate "orders-dlq" with strimzi.io/managed: "false" before applying this output',
    ]);
  });

  it('warns for exactly the topics that leave while the cluster stays', () => {
    const pool = ['orders.v1', 'audit.log', 'clicks', 'payments'];
    fc.assert(
      fc.property(
        fc.subarray(pool, { minLength: 1 }),
        fc.subarray(pool),
        fc.boolean(),
        (before, after, renamed) => {
          const next = withKafka({ topics: topics(...after) });
          const result = report(
            withKafka({ topics: topics(...before) }),
            renamed ? { ...next, name: 'other' } : next,
          );
          const gone = renamed ? [] : before.filter(name => !after.includes(name));
          const named = result.warnings
            .filter(w => w.startsWith('kafka.topics: topic '))
            .map(w => /topic "([^"]+)"/.exec(w)?.[1]);
          expect(named.sort()).toEqual([...gone].sort());
        },
      ),
      { numRuns: 15 },
    );
  });
});
