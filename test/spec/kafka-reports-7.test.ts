/**
 * Seventh round of issue #12 (spec validation against public reports), the spec side: a value
 * Kafka, Strimzi or AWS refuses or breaks on that the spec let through. Each report is one test
 * that cites it; each class gets a fast-check property. The transitions of this round are in
 * test/charts/transitions-reports-7.test.ts.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { specInput, specProblems } from '../util/specs';

function withBrokerConfig(config: Record<string, string | number | boolean>): PlatformSpecInput {
  const base = specInput(3, 1);
  return { ...base, kafka: { ...base.kafka, config } };
}

function warningsAt(input: PlatformSpecInput, pathEnd: string): string[] {
  return parseSpec(input)
    .warnings.filter(warning => warning.path.endsWith(pathEnd))
    .map(warning => `${warning.path}: ${warning.message}`);
}

describe('class: a broker heartbeat interval above half the broker session timeout (warning)', () => {
  // https://github.com/apache/kafka/pull/20046 (KAFKA-19432): Kafka only logs an ERROR when
  // broker.heartbeat.interval.ms x 2 exceeds broker.session.timeout.ms and starts anyway; the
  // broker's heartbeat request times out at half the session, so the controller fences brokers
  // that are alive. Strimzi lets both keys through since 0.48 (strimzi-kafka-operator#11617,
  // #11668), asked for by users whose brokers were fenced during rolls (#11736).
  it('warns when broker.session.timeout.ms 3000 is below twice the default heartbeat (apache/kafka#20046)', () => {
    const input = withBrokerConfig({ 'broker.session.timeout.ms': 3000 });
    expect(specProblems(input)).toEqual([]);
    expect(warningsAt(input, '["broker.session.timeout.ms"]')).toEqual([
      'kafka.config["broker.session.timeout.ms"]: 3000 is less than twice broker.heartbeat.interval.ms 2000 (Kafka\'s default); Kafka starts anyway and only logs an error, but a broker that misses a single heartbeat then outlives its lease, and the KRaft controller fences brokers that are alive, moving their partition leaders away (apache/kafka#20046, KAFKA-19432; strimzi-kafka-operator#11736); set broker.session.timeout.ms to at least 4000, or broker.heartbeat.interval.ms to at most 1500',
    ]);
  });

  it('warns at the heartbeat when the spec sets only the heartbeat', () => {
    expect(
      warningsAt(
        withBrokerConfig({ 'broker.heartbeat.interval.ms': '5000' }),
        '["broker.heartbeat.interval.ms"]',
      ),
    ).toEqual([
      'kafka.config["broker.heartbeat.interval.ms"]: 5000 is more than half broker.session.timeout.ms 9000 (Kafka\'s default); Kafka starts anyway and only logs an error, but a broker that misses a single heartbeat then outlives its lease, and the KRaft controller fences brokers that are alive, moving their partition leaders away (apache/kafka#20046, KAFKA-19432; strimzi-kafka-operator#11736); set broker.heartbeat.interval.ms to at most 4500, or broker.session.timeout.ms to at least 10000',
    ]);
  });

  it('warns exactly when twice the heartbeat exceeds the session, with defaults for a side left out', () => {
    const value = fc.option(fc.integer({ min: 1, max: 20000 }), { nil: undefined });
    fc.assert(
      fc.property(value, value, (heartbeat, session) => {
        const config: Record<string, number> = {};
        if (heartbeat !== undefined) config['broker.heartbeat.interval.ms'] = heartbeat;
        if (session !== undefined) config['broker.session.timeout.ms'] = session;
        const warned = parseSpec(withBrokerConfig(config)).warnings.filter(warning =>
          /broker\.(heartbeat\.interval|session\.timeout)\.ms/.test(warning.path),
        );
        expect(warned.length).toBe((heartbeat ?? 2000) * 2 > (session ?? 9000) ? 1 : 0);
      }),
      { numRuns: 60 },
    );
  });
});

describe('class: the reserved aws: prefix on a tag value', () => {
  // https://github.com/awsdocs/aws-cloudformation-user-guide/issues/371: resources failed to
  // create when a tag key or a tag VALUE began with "aws:" (any case); AWS's tag restrictions
  // reserve the prefix for both. The spec refused it on keys only.
  it('throws when a cluster.tags value starts with AWS: (awsdocs/aws-cloudformation-user-guide#371)', () => {
    const input = specInput(3, 1, { cluster: { tags: { source: 'AWS:cloudformation' } } });
    expect(specProblems(input)).toEqual([
      'cluster.tags["source"]: "AWS:cloudformation" starts with the aws: prefix, which AWS reserves for its own tags in keys and values alike (any case), so creating the tagged resources fails; use a value that does not start with aws:, such as "cloudformation"',
    ]);
  });

  it('refuses exactly the values that start with aws: in any case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'a', 'aws', 'AwS:', 'aws:', 'x-aws:', ' aws:'),
        fc.constantFrom('', 'team', 'cost-center'),
        (prefix, rest) => {
          const value = `${prefix}${rest}`;
          const problems = specProblems(specInput(3, 1, { cluster: { tags: { owner: value } } }));
          expect(problems.length).toBe(value.toLowerCase().startsWith('aws:') ? 1 : 0);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('class: a group coordinator list entry Kafka cannot resolve (assignors, protocols)', () => {
  // https://github.com/apache/kafka/pull/22982 (KAFKA-20843): duplicate entries in
  // group.consumer.assignors (a built-in name twice, or a built-in's short name and its class
  // name) passed startup and crashed the group coordinator when it loaded. Kafka's
  // GroupCoordinatorConfig resolves every other entry as a Java class and stops the broker when it
  // is missing ("Class ... cannot be found"); group.share.assignors takes exactly one entry; and
  // group.coordinator.rebalance.protocols accepts only the group types classic, consumer, share
  // and streams. The spec let all of these through.
  it('throws when group.consumer.assignors lists uniform twice (apache/kafka#22982)', () => {
    expect(
      specProblems(withBrokerConfig({ 'group.consumer.assignors': 'uniform,range,uniform' })),
    ).toEqual([
      'kafka.config["group.consumer.assignors"]: "uniform,range,uniform" lists the assignor uniform twice, which Kafka refuses (a repeated assignor passed startup and crashed the group coordinator before Kafka checked it, apache/kafka#22982, KAFKA-20843); list each assignor once',
    ]);
  });

  it("throws when an assignor is not one of Kafka's built-in names", () => {
    expect(specProblems(withBrokerConfig({ 'group.consumer.assignors': 'simple' }))).toEqual([
      'kafka.config["group.consumer.assignors"]: "simple" is not a built-in consumer group assignor, so Kafka loads it as a Java class, which this platform does not add to the broker image, and the broker stops at start ("Class simple cannot be found"); use uniform or range',
    ]);
    expect(specProblems(withBrokerConfig({ 'group.share.assignors': 'simple,simple' }))).toEqual([
      'kafka.config["group.share.assignors"]: "simple,simple" has 2 entries, but Kafka takes exactly one share group assignor and stops the broker at start otherwise; use simple',
    ]);
    expect(
      specProblems(
        withBrokerConfig({ 'group.coordinator.rebalance.protocols': 'classic,Consumer' }),
      ),
    ).toEqual([
      'kafka.config["group.coordinator.rebalance.protocols"]: "Consumer" is not a rebalance protocol Kafka knows, so the broker stops at start; list only classic, consumer, share and streams (lower case)',
    ]);
  });

  it("accepts the built-in assignors' class names as Kafka does", () => {
    expect(
      specProblems(
        withBrokerConfig({
          'group.consumer.assignors': 'org.apache.kafka.coordinator.group.assignor.RangeAssignor',
          'group.share.assignors': 'org.apache.kafka.coordinator.group.assignor.SimpleAssignor',
        }),
      ),
    ).toEqual([]);
  });

  it('refuses exactly the lists with an unknown or repeated entry', () => {
    const consumerNames = ['uniform', 'range', 'simple', 'Uniform', 'com.example.Sticky'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...consumerNames), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(',', ', '),
        (entries, separator) => {
          const problems = specProblems(
            withBrokerConfig({ 'group.consumer.assignors': entries.join(separator) }),
          );
          const valid =
            entries.every(entry => entry === 'uniform' || entry === 'range') &&
            new Set(entries).size === entries.length;
          expect(problems.length === 0).toBe(valid);
        },
      ),
      { numRuns: 80 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('classic', 'consumer', 'share', 'streams', 'Classic', 'simple'), {
          minLength: 1,
          maxLength: 4,
        }),
        entries => {
          const problems = specProblems(
            withBrokerConfig({ 'group.coordinator.rebalance.protocols': entries.join(',') }),
          );
          const known = ['classic', 'consumer', 'share', 'streams'];
          expect(problems.length === 0).toBe(entries.every(entry => known.includes(entry)));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('class: a nodegroup larger than the EKS nodes-per-managed-node-group quota (warning)', () => {
  // https://github.com/awsdocs/amazon-eks-user-guide/pull/291 (and #260, which raised it): the
  // EKS quota "Nodes per managed node group" (L-BD136A63) is 450 by default, and EKS refuses a
  // node group whose maxSize is above the account's quota. The system nodegroup's maxSize is
  // nodes.system.max and each Kafka nodegroup's is the per-zone maximum, neither bounded above.
  it('warns when nodes.system.max is 500 (awsdocs/amazon-eks-user-guide#291)', () => {
    const input = specInput(3, 1, { nodes: { system: { min: 3, max: 500 } } });
    expect(specProblems(input)).toEqual([]);
    expect(warningsAt(input, 'nodes.system.max')).toEqual([
      'nodes.system.max: 500 is the maxSize of the system nodegroup, above the 450 nodes per managed node group EKS allows by default (Service Quotas, Amazon EKS "Nodes per managed node group", L-BD136A63), so creating or updating the nodegroup fails unless the account has a higher quota; raise the quota to at least 500 before deploying, or use at most 450',
    ]);
  });

  it('warns at nodes.kafka.maxPerZone when the Kafka nodegroups could grow past it, and exactly then', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 900 }),
        fc.integer({ min: 440, max: 460 }),
        (systemMax, brokersPerZone) => {
          const input = specInput(3, brokersPerZone, {
            nodes: {
              system: { min: 3, max: systemMax },
              kafka: { minPerZone: brokersPerZone, maxPerZone: brokersPerZone },
            },
          });
          expect(
            warningsAt(input, 'nodes.system.max').filter(w => w.includes('L-BD136A63')),
          ).toHaveLength(systemMax > 450 ? 1 : 0);
          expect(
            warningsAt(input, 'nodes.kafka.maxPerZone').filter(w => w.includes('L-BD136A63')),
          ).toHaveLength(brokersPerZone > 450 ? 1 : 0);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("class: a transaction timeout ceiling below the producer's default timeout (warning)", () => {
  // https://github.com/j3-signalroom/apache_flink-kickstarter/issues/787: a transactional
  // producer failed at InitProducerId with "The transaction timeout is larger than the maximum
  // value allowed by the broker (as configured by transaction.max.timeout.ms)". The Java producer
  // asks for transaction.timeout.ms 60000 unless told otherwise, so a broker ceiling below that
  // refuses every transactional producer left at its default.
  it('warns when transaction.max.timeout.ms is 30000 (apache_flink-kickstarter#787)', () => {
    const input = withBrokerConfig({ 'transaction.max.timeout.ms': 30000 });
    expect(specProblems(input)).toEqual([]);
    expect(warningsAt(input, '["transaction.max.timeout.ms"]')).toEqual([
      'kafka.config["transaction.max.timeout.ms"]: 30000 is below the transaction.timeout.ms of 60000 a Kafka producer asks for by default, so the brokers refuse, at initTransactions, every transactional producer that keeps that default ("The transaction timeout is larger than the maximum value allowed by the broker", apache_flink-kickstarter#787); use at least 60000, or lower transaction.timeout.ms in every transactional client',
    ]);
  });

  it('warns exactly below 60000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200000 }), ceiling => {
        const found = warningsAt(
          withBrokerConfig({ 'transaction.max.timeout.ms': String(ceiling) }),
          '["transaction.max.timeout.ms"]',
        );
        expect(found.length).toBe(ceiling < 60000 ? 1 : 0);
      }),
      { numRuns: 40 },
    );
  });
});
