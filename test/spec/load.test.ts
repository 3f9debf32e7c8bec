import { SpecError, parseSpec, parseSpecText, type PlatformSpecInput } from '../../spec';
import { stringify } from 'yaml';
import { specInput } from '../util/specs';

/** Parses a spec and returns the messages of its problems (`path: message`). */
function problemsOf(input: unknown): string[] {
  try {
    parseSpec(input);
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

/** `problemsOf` for spec text (YAML or JSON), read as a file is. */
function problemsOfText(text: string): string[] {
  try {
    parseSpecText(text);
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

function withKafka(
  kafka: Partial<PlatformSpecInput['kafka']>,
  base = specInput(3, 4),
): PlatformSpecInput {
  return { ...base, kafka: { ...base.kafka, ...kafka } };
}

describe('parseSpec defaults', () => {
  it('fills every default for a minimal spec', () => {
    const { spec } = parseSpec({
      name: 'orders',
      region: 'us-east-1',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      kafka: { brokers: 3 },
    });
    expect(spec.kafka.namespace).toBe('kafka');
    expect(spec.kafka.version).toBe('4.3.1');
    expect(spec.kafka.controllers).toBe(3);
    expect(spec.kafka.replicationFactor).toBe(3);
    expect(spec.kafka.minInSyncReplicas).toBe(2);
    expect(spec.kafka.storage).toEqual({
      sizeGi: 100,
      iops: 3000,
      throughputMiBps: 125,
      deleteClaim: false,
    });
    expect(spec.kafka.external).toMatchObject({
      enabled: false,
      scheme: 'internal',
      allowPublic: false,
      allowedCidrs: [],
      subnets: {},
    });
    expect(spec.nodes.kafka).toMatchObject({ instanceType: 'm6i.xlarge', minPerZone: 1 });
    expect(spec.nodes.system).toEqual({ instanceType: 'm6i.large', min: 3, max: 4 });
    expect(spec.autoscaling).toMatchObject({
      mode: 'controller',
      targetUtilization: 0.6,
      dryRun: false,
    });
    expect(spec.drainCleaner).toMatchObject({ mode: 'deny', replicas: 2 });
    expect(spec.gitops.engine).toBe('none');
  });

  it('derives max nodes per zone from the brokers per zone', () => {
    const { plan } = parseSpec({
      name: 'orders',
      region: 'us-east-1',
      zones: ['us-east-1a', 'us-east-1b'],
      kafka: { brokers: 12 },
    });
    expect(plan.maxNodesPerZone).toBe(6);
    expect(plan.balancedNodeCounts).toEqual([1, 2, 3, 6]);
  });

  it('keeps 0 and false when given (defaults use ??)', () => {
    const { spec } = parseSpec({
      ...specInput(3, 4),
      autoscaling: { scaleInMargin: 0, sameLevelInAllZones: false },
    });
    expect(spec.autoscaling.scaleInMargin).toBe(0);
    expect(spec.autoscaling.sameLevelInAllZones).toBe(false);
  });

  it('turns the descheduler on in target-tracking mode only, unless set', () => {
    expect(
      parseSpec({ ...specInput(3, 4), autoscaling: { mode: 'target-tracking' } }).plan
        .deschedulerEnabled,
    ).toBe(true);
    expect(parseSpec(specInput(3, 4)).plan.deschedulerEnabled).toBe(false);
    expect(
      parseSpec({ ...specInput(3, 4), descheduler: { enabled: true } }).plan.deschedulerEnabled,
    ).toBe(true);
  });
});

describe('parseSpec structure', () => {
  it('throws when a key is unknown, suggesting the closest one', () => {
    expect(problemsOf(withKafka({ brokerz: 3 } as never))).toContainEqual(
      expect.stringMatching(/^kafka\.brokerz: unknown key; did you mean "brokers"\?/),
    );
  });

  it('reports rule problems beside an unknown key', () => {
    const problems = problemsOf(withKafka({ brokers: 7, replicaton: 3 } as never));
    expect(problems).toContainEqual(
      expect.stringMatching(/^kafka\.replicaton: unknown key; did you mean "replicationFactor"/),
    );
    expect(problems).toContainEqual(
      'kafka.brokers: 7 is not a multiple of the 3 zones; use 6 or 9',
    );
  });

  it('throws when a required key is missing', () => {
    expect(
      problemsOf({ region: 'us-east-1', zones: ['us-east-1a'], kafka: { brokers: 1 } }),
    ).toContainEqual('name: is required; add a string');
  });

  it('throws when a value has the wrong type', () => {
    expect(problemsOf(withKafka({ brokers: 'twelve' as never }))).toContainEqual(
      'kafka.brokers: "twelve" is not a number; write a number',
    );
  });

  it('a number for a string field: quote it, the value as written (1.30 stays "1.30")', () => {
    const base = specInput(3, 4);
    const text = stringify({
      ...base,
      region: 'REGION',
      kafka: { ...base.kafka, version: 'KAFKA' },
      cluster: { ...base.cluster, kubernetesVersion: 'K8S' },
    })
      .replace('REGION', '12')
      .replace('KAFKA', '4.30')
      .replace('K8S', '1.30');
    expect(problemsOfText(text)).toEqual(
      expect.arrayContaining([
        'kafka.version: 4.30 is read as the number 4.3, not a string; quote it to keep it as written: "4.30"',
        'cluster.kubernetesVersion: 1.30 is read as the number 1.3, not a string; quote it to keep it as written: "1.30"',
        'region: 12 is a number, not a string; quote it to keep it as written: "12"',
      ]),
    );
    // JSON text too, and a spec given as an object (no source text: the number as read)
    const json = JSON.stringify(withKafka({ version: 'KAFKA' })).replace('"KAFKA"', '4.30');
    expect(problemsOfText(json)).toContain(
      'kafka.version: 4.30 is read as the number 4.3, not a string; quote it to keep it as written: "4.30"',
    );
    expect(problemsOf(withKafka({ version: 4.3 as never }))).toContain(
      'kafka.version: 4.3 is a number, not a string; quote it to keep it as written: "4.3"',
    );
    // other kinds keep their message
    expect(problemsOf(withKafka({ version: true as never }))).toContain(
      'kafka.version: true is not a string; write a string',
    );
  });

  it('throws when an enum value is unknown', () => {
    expect(
      problemsOf({ ...specInput(3, 4), autoscaling: { mode: 'hpa' as never } }),
    ).toContainEqual(
      'autoscaling.mode: "hpa" is not allowed; use one of "controller", "target-tracking", "off"',
    );
  });

  it('throws when the document is not a mapping', () => {
    expect(problemsOf([1, 2])[0]).toMatch(/the spec must be a mapping/);
  });

  it('throws on YAML syntax errors and duplicate keys', () => {
    expect(() => parseSpecText('name: a\nname: b\n')).toThrow(/not valid YAML or JSON/);
    expect(() => parseSpecText('name: [unclosed\n')).toThrow(/not valid YAML or JSON/);
  });

  it('accepts JSON text', () => {
    expect(parseSpecText(JSON.stringify(specInput(3, 4))).spec.kafka.brokers).toBe(12);
  });
});

describe('parseSpec rules', () => {
  it.each<[string, PlatformSpecInput, string]>([
    [
      'brokers are not a multiple of the zones',
      withKafka({ brokers: 7 }),
      'kafka.brokers: 7 is not a multiple of the 3 zones; use 6 or 9',
    ],
    [
      'brokers are zero',
      withKafka({ brokers: 0 }),
      'kafka.brokers: 0 is too few; run at least one broker per zone',
    ],
    [
      'controllers are even',
      withKafka({ controllers: 4 }),
      'kafka.controllers: 4 KRaft controllers cannot form a sensible quorum; use an odd number from 1 to 9, usually 3',
    ],
    [
      'replication exceeds the brokers',
      withKafka({ brokers: 3, replicationFactor: 4, minInSyncReplicas: 2 }, specInput(3, 1)),
      'kafka.replicationFactor: 4 is more than the 3 brokers; use at most 3',
    ],
    [
      'replication factor is 1 without opt-in',
      withKafka({ replicationFactor: 1, minInSyncReplicas: 1 }),
      'kafka.replicationFactor: 1 loses data when one broker fails; use 3 (or set kafka.allowReplicationFactorOne: true for throwaway data)',
    ],
    [
      'min ISR is not below the replication factor',
      withKafka({ minInSyncReplicas: 3 }),
      'kafka.minInSyncReplicas: 3 is not below the replication factor 3, so any broker restart stops producers; use 2',
    ],
    [
      'a topic min ISR is not below its replication factor',
      withKafka({
        topics: [{ name: 't', partitions: 3, replicationFactor: 2, minInSyncReplicas: 2 }],
      }),
      'kafka.topics[0].minInSyncReplicas: 2 is not below the replication factor 2, so any broker restart stops producers; use 1',
    ],
    [
      'a topic name is invalid',
      withKafka({ topics: [{ name: 'bad topic', partitions: 3 }] }),
      "kafka.topics[0].name: \"bad topic\" is not a Kafka topic name; use letters, digits, '.', '_' and '-', at most 249 characters",
    ],
    [
      'a topic is listed twice',
      withKafka({
        topics: [
          { name: 't', partitions: 3 },
          { name: 't', partitions: 3 },
        ],
      }),
      'kafka.topics[1].name: "t" is already kafka.topics[0]; remove one',
    ],
    [
      'two topics collide in Kafka (dot versus underscore)',
      withKafka({
        topics: [
          { name: 'a_b', partitions: 3 },
          { name: 'a.b', partitions: 3 },
        ],
      }),
      'kafka.topics[1].name: "a.b" and kafka.topics[0] ("a_b") differ only in \'.\' versus \'_\', which Kafka treats as the same in metric names and refuses to create both; rename one',
    ],
    [
      'partitions are zero',
      withKafka({ topics: [{ name: 't', partitions: 0 }] }),
      'kafka.topics[0].partitions: 0 is out of range; use 1 to 9998 partitions',
    ],
    [
      'external access has no CIDRs',
      withKafka({ external: { enabled: true } }),
      'kafka.external.allowedCidrs: is empty while kafka.external.enabled is true; list the client CIDRs, for example [10.0.0.0/8]',
    ],
    [
      'a CIDR is invalid',
      withKafka({ external: { enabled: true, allowedCidrs: ['10.0.0.0/33'] } }),
      'kafka.external.allowedCidrs[0]: "10.0.0.0/33" is not a CIDR; write it like "10.0.0.0/8"',
    ],
    [
      '0.0.0.0/0 is allowed without opt-in',
      withKafka({ external: { enabled: true, allowedCidrs: ['0.0.0.0/0'] } }),
      'kafka.external.allowedCidrs[0]: "0.0.0.0/0" opens the platform to the whole internet; list your client networks instead (or set kafka.external.allowPublic: true)',
    ],
    [
      'internet-facing without opt-in',
      withKafka({
        external: { enabled: true, scheme: 'internet-facing', allowedCidrs: ['10.0.0.0/8'] },
      }),
      'kafka.external.scheme: "internet-facing" puts the brokers on the internet; keep "internal", or set kafka.external.allowPublic: true on purpose',
    ],
    [
      'a subnet names a foreign zone',
      withKafka({
        external: {
          enabled: true,
          allowedCidrs: ['10.0.0.0/8'],
          subnets: {
            'us-west-2a': 's1',
            'us-west-2b': 's2',
            'us-west-2c': 's3',
            'us-west-2z': 's4',
          },
        },
      }),
      'kafka.external.subnets.us-west-2z: "us-west-2z" is not one of the spec\'s zones (us-west-2a, us-west-2b, us-west-2c); remove it or fix the zone name',
    ],
    [
      'subnets pin only some zones',
      withKafka({
        external: { enabled: true, allowedCidrs: ['10.0.0.0/8'], subnets: { 'us-west-2a': 's1' } },
      }),
      'kafka.external.subnets: pins some zones but not us-west-2b, us-west-2c; give a subnet for every zone or for none (cross-zone)',
    ],
    [
      'throughput exceeds what the IOPS allow',
      withKafka({ storage: { iops: 3000, throughputMiBps: 1000 } }),
      "kafka.storage.throughputMiBps: 1000 exceeds gp3's 0.25 MiB/s per provisioned IOPS (3000 IOPS); raise kafka.storage.iops to 4000 or lower the throughput",
    ],
    [
      'IOPS are below gp3 minimum',
      withKafka({ storage: { iops: 100 } }),
      "kafka.storage.iops: 100 is out of gp3's range; use 3000 to 80000",
    ],
  ])('throws when %s', (_label, input, message) => {
    expect(problemsOf(input)).toContain(message);
  });

  it('throws when the name is not a DNS label', () => {
    expect(problemsOf({ ...specInput(3, 4), name: 'Orders_1' })).toContain(
      'name: "Orders_1" is not a DNS-1123 label of at most 63 characters; use lower-case letters, digits and \'-\', starting with a letter, for example "orders"',
    );
  });

  it('throws when a namespace is longer than a DNS-1123 label allows', () => {
    const base = specInput(3, 4);
    expect(problemsOf({ ...base, kafka: { ...base.kafka, namespace: 'k'.repeat(64) } })).toEqual([
      `kafka.namespace: "${'k'.repeat(64)}" is not a DNS-1123 label; use "kafka"`,
    ]);
  });

  it('throws when the name is longer than its derived names allow', () => {
    expect(problemsOf({ ...specInput(3, 4), name: 'a'.repeat(41) })[0]).toMatch(
      /^name: .* with this spec, name may be at most 32 characters$/,
    );
  });

  it('throws when zones repeat or belong to another region', () => {
    const problems = problemsOf({
      ...specInput(2, 4),
      zones: ['us-west-2a', 'us-west-2a', 'eu-west-1b'],
      kafka: { brokers: 12 },
    });
    expect(problems).toContain('zones[1]: "us-west-2a" is listed twice; list each zone once');
    expect(problems).toContain(
      'zones[2]: "eu-west-1b" is not a zone of region us-west-2; use names like "us-west-2a"',
    );
  });

  it('throws when there are more than 6 zones', () => {
    const zones = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map(l => `us-west-2${l}`);
    expect(problemsOf({ ...specInput(1, 7), zones, kafka: { brokers: 7 }, cluster: {} })).toContain(
      'zones: 7 zones given; list 2 to 6 availability zones',
    );
  });

  it('throws when max nodes per zone exceed the brokers per zone', () => {
    expect(
      problemsOf({
        ...specInput(3, 4),
        nodes: { kafka: { instanceType: 'm6i.4xlarge', maxPerZone: 5 } },
      }),
    ).toContain(
      'nodes.kafka.maxPerZone: 5 is more than the 4 brokers per zone, so some nodes would stay empty; use at most 4',
    );
  });

  it('throws when min nodes per zone is below 1', () => {
    expect(
      problemsOf({
        ...specInput(3, 4),
        nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 0 } },
      }),
    ).toContain(
      "nodes.kafka.minPerZone: 0 would leave a zone's brokers with no node; use at least 1",
    );
  });

  it('throws when no balanced count lies between min and max', () => {
    expect(
      problemsOf({
        ...specInput(3, 6),
        nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 4, maxPerZone: 5 } },
      }),
    ).toContain(
      'nodes.kafka: no node count from 4 to 5 divides the 6 brokers per zone; widen the range to include one of 1, 2, 3, 6',
    );
  });

  it('throws when the instance type is unknown and no capacity is given', () => {
    expect(
      problemsOf({ ...specInput(3, 4), nodes: { kafka: { instanceType: 'x9.huge' } } })[0],
    ).toMatch(
      /^nodes\.kafka\.instanceType: "x9\.huge" is not in the built-in instance table; use one of .*m6i\.xlarge.*, or give nodes\.kafka\.capacity/,
    );
  });

  it('accepts an unknown instance type when its capacity is given', () => {
    const { plan } = parseSpec({
      ...specInput(3, 4),
      nodes: {
        kafka: {
          instanceType: 'x9.huge',
          capacity: { vcpu: 16, memoryGi: 64, baselineGbps: 10, pricePerHourUsd: 1 },
        },
      },
    });
    expect(plan.nodeCapacity.baselineGbps).toBe(10);
  });

  it('throws when the brokers of the lowest level do not fit on one node', () => {
    expect(
      problemsOf({ ...specInput(3, 12), nodes: { kafka: { instanceType: 'm6i.large' } } }),
    ).toContain(
      'nodes.kafka.instanceType: 12 brokers share one m6i.large node at 1 node(s) per zone, leaving 0.25 GiB per broker (asked: 0.25); use a larger instance type, raise nodes.kafka.minPerZone, or set kafka.brokerResources.memoryGi between 1 and 0.25',
    );
  });

  it('throws when the requested broker memory does not fit', () => {
    expect(
      problemsOf({
        ...withKafka({ brokerResources: { memoryGi: 20 } }),
        nodes: { kafka: { instanceType: 'm6i.4xlarge' } },
      })[0],
    ).toMatch(
      /^kafka\.brokerResources\.memoryGi: 4 brokers share one m6i\.4xlarge node at 1 node\(s\) per zone, leaving 13\.25 GiB per broker \(asked: 20\)/,
    );
  });

  it('throws when the target utilization is not a share', () => {
    expect(problemsOf({ ...specInput(3, 4), autoscaling: { targetUtilization: 1.5 } })).toContain(
      'autoscaling.targetUtilization: 1.5 is not a share of the baseline bandwidth; use a number above 0 and at most 1, usually 0.6',
    );
  });

  it('throws when a scheduled minimum is not a balanced level or its time is malformed', () => {
    const problems = problemsOf({
      ...specInput(3, 4),
      autoscaling: { scheduledMinimums: [{ startUtc: '7:00', endUtc: '18:00', nodesPerZone: 3 }] },
    });
    expect(problems).toContain(
      'autoscaling.scheduledMinimums[0].startUtc: "7:00" is not a time; write HH:MM in UTC, like "07:30"',
    );
    expect(problems).toContain(
      'autoscaling.scheduledMinimums[0].nodesPerZone: 3 is not a balanced node count; use one of 1, 2, 4',
    );
  });

  it('throws when the drain cleaner has one replica', () => {
    expect(problemsOf({ ...specInput(3, 4), drainCleaner: { replicas: 1 } })).toContain(
      'drainCleaner.replicas: 1 replica leaves evictions unguarded whenever it restarts (the webhook fails open); use at least 2',
    );
  });

  it('throws when the controller shares the Kafka namespace', () => {
    expect(problemsOf({ ...specInput(3, 4), controller: { namespace: 'kafka' } })[0]).toMatch(
      /^controller\.namespace: "kafka" is also the Kafka namespace/,
    );
  });

  it('throws when the public endpoint is open to the world', () => {
    expect(
      problemsOf({ ...specInput(3, 4), cluster: { publicEndpointCidrs: ['0.0.0.0/0'] } })[0],
    ).toMatch(
      /^cluster\.publicEndpointCidrs\[0\]: "0\.0\.0\.0\/0" opens the platform to the whole internet/,
    );
  });

  // Reproduction 6 of issue #12: the network policies allowed the default range, not the VPC's.
  it('throws when an existing VPC is used without its CIDR', () => {
    const existingVpc = {
      vpcId: 'vpc-11111111',
      privateSubnetIds: {
        'us-west-2a': 'subnet-aaaaaaaa',
        'us-west-2b': 'subnet-bbbbbbbb',
        'us-west-2c': 'subnet-cccccccc',
      },
    };
    expect(problemsOf({ ...specInput(3, 4), cluster: { existingVpc } })).toEqual([
      'cluster.vpcCidr: is required with cluster.existingVpc: the network policies and the external listener must allow that VPC\'s range, and the 10.0.0.0/16 default only describes a VPC this platform creates; give its primary CIDR (aws ec2 describe-vpcs --vpc-ids <id> --query "Vpcs[0].CidrBlock")',
    ]);
    const { spec } = parseSpec({
      ...specInput(3, 4),
      cluster: { existingVpc, vpcCidr: '172.31.0.0/16' },
    });
    expect(spec.cluster.vpcCidr).toBe('172.31.0.0/16');
  });

  it('throws when an existing VPC lacks a subnet for a zone', () => {
    expect(
      problemsOf({
        ...specInput(3, 4),
        cluster: {
          vpcCidr: '172.31.0.0/16',
          existingVpc: {
            vpcId: 'vpc-11111111',
            privateSubnetIds: { 'us-west-2a': 'subnet-11111111' },
          },
        },
      }),
    ).toContain(
      'cluster.existingVpc.privateSubnetIds: has no subnet for us-west-2b, us-west-2c; give one private subnet per spec zone',
    );
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      ...specInput(3, 4),
      name: 'Bad',
      kafka: { brokers: 7, controllers: 2, external: { enabled: true } },
    });
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(problems.map(p => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'name',
        'kafka.brokers',
        'kafka.controllers',
        'kafka.external.allowedCidrs',
      ]),
    );
  });
});

describe('all problems in one report', () => {
  // Reproduction 7 of issue #12: schema errors hid the rule errors until they were fixed.
  it('reports schema and rule problems together', () => {
    const base = specInput(3, 1);
    const problems = problemsOf({
      ...base,
      kafka: { ...base.kafka, brokers: 5, storage: { sizeGi: -10 }, brokerz: 1 },
      autoscaling: { mode: 'sometimes' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'kafka.brokerz: unknown key; did you mean "brokers"? Allowed here: namespace, version, brokers, controllers, storage, replicationFactor, minInSyncReplicas, allowReplicationFactorOne, topics, external, brokerResources, controllerResources, config',
        'autoscaling.mode: "sometimes" is not allowed; use one of "controller", "target-tracking", "off"',
        'kafka.brokers: 5 is not a multiple of the 3 zones; use 3 or 6',
        'kafka.storage.sizeGi: -10 is out of range; use 1 to 65536 GiB',
      ]),
    );
  });

  // A rule that needs nothing but its own fields runs whatever else is wrong: node bounds are
  // compared even when the broker count does not split over the zones.
  it('reports faults across schema, config maps, names, nodes and AWS maps in one run', () => {
    const base = specInput(3, 1);
    const problems = problemsOf({
      ...base,
      bogus: 1,
      kafka: {
        ...base.kafka,
        brokers: 5,
        storage: { sizeGi: -5 },
        external: { enabled: true, scheme: 'public' },
        config: { listeners: 'x', 'Min.Insync.Replicas': 2, 'log.segment.bytes': 5 },
        topics: [
          { name: 'orders._dlq', partitions: 3, config: { 'retention.ms': 'abc' } },
          { name: 'orders..dlq', partitions: 3 },
        ],
      },
      nodes: { ...base.nodes, kafka: { instanceType: 'm6i.large', minPerZone: 3, maxPerZone: 1 } },
      cluster: { tags: { 'aws:x': 'y' } },
    });
    expect(problems.map(problem => problem.slice(0, problem.indexOf(':')))).toEqual(
      expect.arrayContaining([
        'bogus',
        'kafka.external.scheme',
        'kafka.storage.sizeGi',
        'kafka.brokers',
        'kafka.config["listeners"]',
        'kafka.config["Min.Insync.Replicas"]',
        'kafka.config["log.segment.bytes"]',
        'kafka.topics[0].config["retention.ms"]',
        'kafka.topics[1].name',
        'kafka.external.allowedCidrs',
        'nodes.kafka.minPerZone',
        'cluster.tags["aws',
      ]),
    );
  });

  it('leaves out rule problems about a value it had to drop', () => {
    const base = specInput(3, 1);
    const problems = problemsOf({
      ...base,
      kafka: { ...base.kafka, replicationFactor: 'three', brokers: 5 },
    });
    expect(problems).toContain('kafka.replicationFactor: "three" is not a number; write a number');
    expect(problems).toContain('kafka.brokers: 5 is not a multiple of the 3 zones; use 3 or 6');
    expect(problems.filter(p => p.startsWith('kafka.replicationFactor'))).toHaveLength(1);
  });

  it('notes, apart from the problems, that the checks reading a wrong required field wait', () => {
    const base = specInput(3, 1);
    const input = { ...base, kafka: { ...base.kafka, brokers: 'many' } };
    expect(problemsOf(input)).toEqual(['kafka.brokers: "many" is not a number; write a number']);
    let error: unknown;
    try {
      parseSpec(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SpecError);
    const { message, notes } = error as SpecError;
    expect(notes).toEqual([
      {
        path: 'kafka.brokers',
        message:
          'the cross-field checks that read this field (sizes, zones, replication, names, ...) run once it is fixed; the others ran',
      },
    ]);
    // THEN the count is of problems only; the note follows under its own heading.
    expect(message).toMatch(
      /^the platform spec has 1 problem:\n.*\nNot checked yet:\n {2}- kafka\.brokers: /,
    );
  });

  it('reports a rule problem that does not read the wrong required field in the same run', () => {
    const base = specInput(3, 1);
    const zones = [...(base.zones as string[]).slice(0, 2), 'eu-west-1c'];
    const problems = problemsOf({ ...base, zones, kafka: { ...base.kafka, brokers: '3' } });
    expect(problems).toContain('kafka.brokers: "3" is not a number; write a number');
    expect(problems.some(problem => problem.startsWith('zones[2]: "eu-west-1c"'))).toBe(true);
  });
});

describe('warnings', () => {
  it('warns when a node bound does not divide the brokers per zone', () => {
    const { warnings } = parseSpec({
      ...specInput(3, 6),
      nodes: { kafka: { instanceType: 'm6i.4xlarge', maxPerZone: 4 } },
    });
    expect(warnings.map(w => `${w.path}: ${w.message}`)).toContain(
      'nodes.kafka.maxPerZone: 4 nodes cannot carry 6 brokers evenly, so some nodes would run hot; the controller only uses the balanced counts 1, 2, 3',
    );
  });

  it('warns when there are too few levels to scale by', () => {
    const { warnings } = parseSpec(specInput(3, 2));
    expect(warnings.map(w => w.path)).toContain('kafka.brokers');
    expect(warnings.find(w => w.path === 'kafka.brokers')?.message).toMatch(
      /2 brokers per zone give only 2 node level\(s\) \(1, 2\)/,
    );
  });

  it('does not warn about balance for the prod example shape', () => {
    const paths = parseSpec(specInput(3, 4)).warnings.map(w => w.path);
    expect(
      paths.filter(path => path.startsWith('nodes.kafka') || path === 'kafka.brokers'),
    ).toEqual([]);
  });

  it('warns with numbers when a zone outage leaves fewer replicas than min.insync.replicas', () => {
    const { warnings } = parseSpec({
      ...specInput(2, 2),
      kafka: { ...specInput(2, 2).kafka, replicationFactor: 3 },
    });
    expect(warnings.map(w => `${w.path}: ${w.message}`)).toContain(
      'kafka.replicationFactor: with 2 zones and replication factor 3, one zone holds 2 replicas of some partitions; with that zone down 1 replica(s) remain, below min.insync.replicas 2, so producers with acks=all stop until it is back. Use a replication factor that leaves 2 in the other zones (or 3 zones)',
    );
  });

  it('warns with numbers when the KRaft controllers sit in fewer zones than a zone loss allows', () => {
    const { warnings } = parseSpec(specInput(2, 2));
    expect(warnings.map(w => `${w.path}: ${w.message}`)).toContain(
      'kafka.controllers: 3 KRaft controllers in 2 zone(s): one zone holds 2, and with it down 1 of 3 voters remain, below the quorum of 2, so the cluster cannot change metadata (no leader elections) until it is back. Use at least 3 zones for the controllers',
    );
    expect(parseSpec(specInput(3, 2)).warnings.map(w => w.path)).not.toContain('kafka.controllers');
  });

  it('warns when the system nodes start below one per KRaft controller', () => {
    const { warnings } = parseSpec({
      ...specInput(3, 4),
      nodes: { ...specInput(3, 4).nodes, system: { min: 2, max: 4 } },
    });
    expect(warnings.map(w => `${w.path}: ${w.message}`)).toContain(
      'nodes.system.min: 2 system node(s) cannot hold the 3 KRaft controllers on distinct hosts in 3 zones; the controller pool never doubles up (minDomains), so 1 controller(s) wait for Cluster Autoscaler to add system nodes. Set nodes.system.min to 3',
    );
  });

  it('throws when the system nodegroup can never hold one node per KRaft controller', () => {
    expect(
      problemsOf({
        ...specInput(3, 4),
        nodes: { ...specInput(3, 4).nodes, system: { min: 1, max: 2 } },
      }),
    ).toContain(
      'nodes.system.max: 2 system nodes can never hold the 3 KRaft controllers, which run one per host; use at least 3',
    );
  });

  it('warns when the controller depends on a Prometheus the spec does not install', () => {
    const messages = parseSpec(specInput(3, 4)).warnings.map(w => `${w.path}: ${w.message}`);
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^monitoring\.installKubePrometheusStack: is false, so the controller reads metrics from http/,
      ),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^monitoring\.enabled: renders PodMonitors/),
    );
  });

  it('does not warn about Prometheus when the spec installs it', () => {
    const loaded = parseSpec({
      ...specInput(3, 4),
      monitoring: { installKubePrometheusStack: true, runbookBaseUrl: 'https://wiki.example/rb' },
    });
    expect(loaded.warnings.filter(w => w.path.startsWith('monitoring.'))).toEqual([]);
  });
});

describe('strings other systems parse', () => {
  const base = specInput(3, 1);

  it.each([
    ['10.0.0.1/8', '10.0.0.0/8'],
    ['010.0.0.0/8', '8.0.0.0/8'],
    ['10.0.0.0/08', '10.0.0.0/8'],
  ])('throws when a CIDR is not in its network form (%s)', (cidr, canonical) => {
    expect(
      problemsOf({
        ...base,
        kafka: { ...base.kafka, external: { enabled: true, allowedCidrs: [cidr] } },
      }),
    ).toContain(
      `kafka.external.allowedCidrs[0]: "${cidr}" is not written as its network (host bits set, or leading zeros, which some readers take as octal); write "${canonical}"`,
    );
  });

  it('checks cluster.vpcCidr the same way', () => {
    expect(problemsOf({ ...base, cluster: { vpcCidr: '10.0.0.1/16' } })).toContain(
      'cluster.vpcCidr: "10.0.0.1/16" is not written as its network (host bits set, or leading zeros, which some readers take as octal); write "10.0.0.0/16"',
    );
  });

  it.each([
    'UPPER/case:1',
    'repo/name:tag with space',
    'repo//name',
    'repo/name:',
    ' repo/name:1',
    `r/${'a'.repeat(260)}:1`,
  ])('throws when an image reference cannot be pulled (%p)', image => {
    expect(problemsOf({ ...base, controller: { image } })).toContain(
      `controller.image: ${JSON.stringify(image)} is not an image reference a container runtime can pull; write one like "registry.example.com/team/kafka-autoscaler:1.0.0" (lower-case repository path, no spaces)`,
    );
  });

  it.each([
    'ghcr.io/kafka-eks-autoscaling/controller:0.1.0',
    'localhost:5000/team/app_x__y-z:v1.2.3-rc.1',
    'Registry.Example.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'busybox',
  ])('accepts the image reference %p', image => {
    expect(
      problemsOf({ ...base, descheduler: { image } }).filter(p => p.includes('image')),
    ).toEqual([]);
  });
});

describe('autoscaling.emptyNodeStabilizationSeconds', () => {
  const withAutoscaling = (autoscaling: Record<string, unknown>): PlatformSpecInput => {
    const base = specInput(3, 4);
    return { ...base, autoscaling: { ...base.autoscaling, ...autoscaling } } as PlatformSpecInput;
  };

  it('is unset by default (the controller configuration takes 180 s, at most the full window)', () => {
    expect(parseSpec(specInput(3, 4)).spec.autoscaling.emptyNodeStabilizationSeconds).toBe(
      undefined,
    );
  });

  it('accepts 0 up to scaleInStabilizationSeconds', () => {
    for (const value of [0, 120, 600]) {
      expect(problemsOf(withAutoscaling({ emptyNodeStabilizationSeconds: value }))).toEqual([]);
    }
  });

  it('throws when it is negative, naming the field, the value and the fix', () => {
    expect(problemsOf(withAutoscaling({ emptyNodeStabilizationSeconds: -1 }))).toContainEqual(
      'autoscaling.emptyNodeStabilizationSeconds: -1 is negative; use 0 or more, usually 180 (a node launch round trip plus a minute)',
    );
  });

  it('throws when it is longer than scaleInStabilizationSeconds', () => {
    expect(
      problemsOf(
        withAutoscaling({ emptyNodeStabilizationSeconds: 900, scaleInStabilizationSeconds: 600 }),
      ),
    ).toContainEqual(
      'autoscaling.emptyNodeStabilizationSeconds: 900 is longer than autoscaling.scaleInStabilizationSeconds (600); an empty node never waits longer than one with brokers, so use at most 600 or leave it unset',
    );
  });

  it('throws when it is not a whole number of seconds', () => {
    for (const value of [90.5, '3m']) {
      expect(problemsOf(withAutoscaling({ emptyNodeStabilizationSeconds: value }))).toContainEqual(
        expect.stringMatching(/^autoscaling\.emptyNodeStabilizationSeconds: /),
      );
    }
  });
});

describe('autoscaling.forecast.leadTimeSeconds', () => {
  const withLead = (leadTimeSeconds: number): PlatformSpecInput => {
    const base = specInput(3, 4);
    return {
      ...base,
      autoscaling: { ...base.autoscaling, forecast: { enabled: true, leadTimeSeconds } },
    } as PlatformSpecInput;
  };

  it('accepts up to 18 hours', () => {
    for (const value of [600, 1470, 64_800]) expect(problemsOf(withLead(value))).toEqual([]);
  });

  it('throws past 18 hours, naming the field, the value and the fix (the history could not be trusted)', () => {
    expect(problemsOf(withLead(86_400))).toContainEqual(
      "autoscaling.forecast.leadTimeSeconds: 86400 is longer than 64800 (18 hours): the forecast reads the same window on past days, and a history refetched every 10 minutes could not be trusted for the 6 hours the controller allows, so no node would be removed; use at most 64800, usually unset (node launch plus the re-spread's moves)",
    );
  });
});
