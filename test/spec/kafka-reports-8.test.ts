/**
 * Eighth round of issue #12 (spec validation against public reports), the spec side: a value
 * Kafka, Strimzi, EBS or the AWS Load Balancer Controller refuses or breaks on that the spec let
 * through. Each report is one test that cites it; each class gets a fast-check property.
 */
import fc from 'fast-check';
import { parseSpec, platformSpecSchema, type PlatformSpecInput } from '../../spec';
import { segmentSizeWarnings } from '../../spec/request-size';
import { deployedKubernetesVersion, kubernetesVersionProblem } from '../../spec/kubernetes-version';
import {
  deployedInstanceTypes,
  instanceTypeChangeProblems,
  nodeInstanceTypesOf,
} from '../../spec/nodegroup-instance-types';
import { specInput, specProblems } from '../util/specs';

type Config = Record<string, string | number | boolean>;

function withBrokerConfig(config: Config, topicConfig?: Config): PlatformSpecInput {
  const base = specInput(3, 1);
  return {
    ...base,
    kafka: {
      ...base.kafka,
      config,
      ...(topicConfig === undefined
        ? {}
        : { topics: [{ name: 'events', partitions: 12, config: topicConfig }] }),
    },
  };
}

/** The segment size warnings of `input` (read by the schema alone, so also beside a problem). */
function segmentWarnings(input: PlatformSpecInput): string[] {
  return segmentSizeWarnings(platformSpecSchema.parse(input)).map(
    warning => `${warning.path}: ${warning.message}`,
  );
}

function warningsAt(input: PlatformSpecInput, pathEnd: string): string[] {
  return parseSpec(input)
    .warnings.filter(warning => warning.path.endsWith(pathEnd))
    .map(warning => `${warning.path}: ${warning.message}`);
}

describe('class: a message size limit above the segment size it is written into', () => {
  // https://github.com/emqx/emqx/pull/15906: with max.message.bytes above segment.bytes, Kafka's
  // log refused batches the message size check had accepted (RecordBatchTooLargeException,
  // record_list_too_large), and the producer retried them forever. The spec checked message
  // limits only against socket.request.max.bytes.
  it('throws when a topic allows 8 MiB batches in 4 MiB segments (emqx/emqx#15906)', () => {
    const input = withBrokerConfig({}, { 'max.message.bytes': 8388608, 'segment.bytes': 4194304 });
    expect(specProblems(input)).toEqual([
      'kafka.topics[0].config["max.message.bytes"]: 8388608 is above the segment size 4194304 (kafka.topics[0].config["segment.bytes"]): Kafka\'s log refuses to append a record batch larger than the segment size (RecordBatchTooLargeException) after the message size check has accepted it, so producers of batches between 4194304 and 8388608 bytes get an error no retry fixes (emqx/emqx#15906); use at most 4194304, or raise the segment size to at least 8388608',
    ]);
  });

  it("warns, not throws, at the smallest segment under Kafka's default message limit", () => {
    // Only batches of 1048577-1048588 bytes fail, and the producer's default max.request.size
    // (1048576) sends none: Kafka accepts the pair, so a warning naming the key to add.
    const input = withBrokerConfig({}, { 'segment.bytes': 1048576 });
    expect(specProblems(input).filter(problem => problem.includes('emqx/emqx#15906'))).toEqual([]);
    expect(segmentWarnings(input)).toEqual([
      'kafka.topics[0].config["segment.bytes"]: 1048576 is below the message size limit 1048588 (message.max.bytes (Kafka\'s default)): Kafka\'s log refuses to append a record batch larger than the segment size (RecordBatchTooLargeException) after the message size check has accepted it, so producers of batches between 1048576 and 1048588 bytes get an error no retry fixes (emqx/emqx#15906) (the producer\'s default max.request.size, 1048576, sends none that large); use at least 1048588, or set kafka.topics[0].config["max.message.bytes"] to at most 1048576',
    ]);
    const capped = withBrokerConfig({}, { 'segment.bytes': 1048576, 'max.message.bytes': 1048576 });
    expect(specProblems(capped)).toEqual([]);
    expect(segmentWarnings(capped)).toEqual([]);
  });

  it('checks the broker defaults as a pair too', () => {
    expect(
      specProblems(
        withBrokerConfig({ 'message.max.bytes': 20971520, 'log.segment.bytes': 10485760 }),
      ),
    ).toEqual([
      'kafka.config["message.max.bytes"]: 20971520 is above the segment size 10485760 (kafka.config["log.segment.bytes"]): Kafka\'s log refuses to append a record batch larger than the segment size (RecordBatchTooLargeException) after the message size check has accepted it, so producers of batches between 10485760 and 20971520 bytes get an error no retry fixes (emqx/emqx#15906); use at most 10485760, or raise the segment size to at least 20971520',
    ]);
  });

  it('refuses exactly the topics whose effective limit exceeds their effective segment size', () => {
    const size = fc.option(fc.integer({ min: 1048576, max: 16 * 1048576 }), { nil: undefined });
    fc.assert(
      fc.property(size, size, size, size, (brokerLimit, brokerSegment, limit, segment) => {
        const config: Config = {};
        if (brokerLimit !== undefined) config['message.max.bytes'] = brokerLimit;
        if (brokerSegment !== undefined) config['log.segment.bytes'] = brokerSegment;
        const topicConfig: Config = {};
        if (limit !== undefined) topicConfig['max.message.bytes'] = limit;
        if (segment !== undefined) topicConfig['segment.bytes'] = segment;
        const input = withBrokerConfig(config, topicConfig);
        const found = specProblems(input).filter(problem => problem.includes('emqx/emqx#15906'));
        const warned = segmentWarnings(input);
        const effectiveBrokerLimit = brokerLimit ?? 1048588;
        const effectiveBrokerSegment = brokerSegment ?? 1073741824;
        const brokerBroken =
          (brokerLimit !== undefined || brokerSegment !== undefined) &&
          effectiveBrokerLimit > effectiveBrokerSegment;
        const topicBroken =
          (limit !== undefined || segment !== undefined) &&
          (limit ?? effectiveBrokerLimit) > (segment ?? effectiveBrokerSegment);
        // Refused when someone set the limit that is too large; warned when it is Kafka's default.
        const brokerRefused = brokerBroken && brokerLimit !== undefined;
        const topicRefused = topicBroken && (limit ?? brokerLimit) !== undefined;
        expect(found.length).toBe((brokerRefused ? 1 : 0) + (topicRefused ? 1 : 0));
        expect(warned.length).toBe(
          (brokerBroken && !brokerRefused ? 1 : 0) + (topicBroken && !topicRefused ? 1 : 0),
        );
      }),
      { numRuns: 120 },
    );
  });
});

describe('class: log cleaner buffers the broker heap cannot hold', () => {
  // https://github.com/eventuate-foundation/eventuate-messaging-kafka/issues/53: a broker stopped
  // at start with "OutOfMemoryError: Java heap space" in the log cleaner's offset map
  // (SkimpyOffsetMap), which Kafka allocates on the heap when it starts; KAFKA-2988
  // (apache/kafka#686) lowered the default dedupe buffer from 500 MiB to 128 MiB for that reason.
  // Strimzi gives a broker half its memory limit as heap, at most 5 GiB; the spec never compared.
  function withCleaner(memoryGi: number, config: Config): PlatformSpecInput {
    const base = withBrokerConfig(config);
    return { ...base, kafka: { ...base.kafka, brokerResources: { memoryGi } } };
  }

  it("throws when the old 500 MiB-class dedupe buffer meets a 1 GiB broker's 512 MiB heap (eventuate-messaging-kafka#53)", () => {
    expect(specProblems(withCleaner(1, { 'log.cleaner.dedupe.buffer.size': 536870912 }))).toEqual([
      'kafka.config["log.cleaner.dedupe.buffer.size"]: the log cleaner\'s buffers (log.cleaner.dedupe.buffer.size 536870912 plus log.cleaner.io.buffer.size 524288 (Kafka\'s default): 537395200 bytes) do not fit in the 512 MiB heap Strimzi gives a broker with 1 GiB (kafka.brokerResources.memoryGi; half the memory, at most 5 GiB); Kafka allocates them on the heap when the broker starts, so every broker would stop with "OutOfMemoryError: Java heap space" (eventuate-foundation/eventuate-messaging-kafka#53, KAFKA-2988); lower log.cleaner.dedupe.buffer.size to at most 267911168 (Kafka\'s default 134217728 suits most clusters), or give the brokers more memory (kafka.brokerResources.memoryGi of at least 2.25)',
    ]);
  });

  it('says memory cannot help past the 5 GiB heap cap, and warns above half the heap', () => {
    const [problem] = specProblems(
      withCleaner(16, { 'log.cleaner.dedupe.buffer.size': 6 * 1024 ** 3 }),
    );
    expect(problem).toContain('the 5120 MiB heap Strimzi gives a broker with 16 GiB');
    expect(problem).toContain(
      "more memory does not help, since Strimzi's heap stops growing at 5 GiB",
    );
    const warned = withCleaner(1, { 'log.cleaner.dedupe.buffer.size': 300 * 1024 * 1024 });
    expect(specProblems(warned)).toEqual([]);
    expect(warningsAt(warned, '["log.cleaner.dedupe.buffer.size"]')).toHaveLength(1);
  });

  it('leaves the defaults alone at the smallest broker the spec allows', () => {
    expect(specProblems(withCleaner(1, {}))).toEqual([]);
    expect(
      parseSpec(withCleaner(1, {})).warnings.filter(w => w.message.includes('cleaner')),
    ).toEqual([]);
  });

  it("refuses exactly when the buffers reach Strimzi's heap, and warns exactly above half of it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 64 }).map(quarters => quarters / 4),
        fc.integer({ min: 2 * 1048576, max: 6 * 1024 ** 3 }),
        // From 2: a smaller cleaner I/O buffer leaves the (default) one thread 0 bytes and is
        // refused on its own (round 16, log-cleaner.test.ts).
        fc.option(fc.integer({ min: 2, max: 64 * 1048576 }), { nil: undefined }),
        (memoryGi, dedupe, io) => {
          const config: Config = { 'log.cleaner.dedupe.buffer.size': dedupe };
          if (io !== undefined) config['log.cleaner.io.buffer.size'] = io;
          const input = withCleaner(memoryGi, config);
          const heap = Math.min(Math.round(memoryGi * 1024) * 1048576 * 0.5, 5 * 1024 ** 3);
          const buffers = dedupe + (io ?? 524288);
          const refused = specProblems(input).filter(p => p.includes('OutOfMemoryError'));
          expect(refused).toHaveLength(buffers >= heap ? 1 : 0);
          if (buffers < heap) {
            const warned = parseSpec(input).warnings;
            expect(warned.filter(w => w.message.includes('OutOfMemoryError'))).toHaveLength(
              buffers > heap / 2 ? 1 : 0,
            );
          }
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('class: more broker volumes on one node than its EBS attachments allow', () => {
  // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/issues/1728: on an m5.xlarge (28
  // attachments shared by EBS volumes and network interfaces) the 27th pod's volume never
  // attached; #1163 and #2064 report the same limit with more interfaces. Every broker has its
  // own EBS volume, and the spec let any number of brokers share a node as long as memory and CPU
  // fit, which a large instance allows far past the attachment limit.
  function packed(instanceType: string, brokersPerZone: number, minPerZone: number) {
    return specInput(3, brokersPerZone, {
      nodes: { kafka: { instanceType, minPerZone, maxPerZone: brokersPerZone } },
    });
  }

  it('throws when 30 brokers share one m6i.8xlarge at the lowest level (aws-ebs-csi-driver#1728)', () => {
    expect(specProblems(packed('m6i.8xlarge', 30, 1))).toEqual([
      'nodes.kafka.minPerZone: 1 node(s) per zone put 30 brokers, each with its own EBS volume, on one node, but a m6i.8xlarge shares 28 attachments among EBS volumes and network interfaces, and the root volume and the primary network interface take two, leaving 26 for broker volumes; so the EBS CSI driver reports too few attachable volumes and the brokers beyond them stay Pending (their volumes cannot attach) (kubernetes-sigs/aws-ebs-csi-driver#1728); raise nodes.kafka.minPerZone so a node carries at most 26 brokers, or use an instance type with a dedicated EBS volume limit (m7i, c7i, r7i)',
    ]);
    expect(specProblems(packed('m6i.8xlarge', 30, 2))).toEqual([]);
  });

  it('warns when only the interface the VPC CNI keeps warm is in the way, and counts dedicated limits', () => {
    const tight = packed('m6i.8xlarge', 26, 1);
    expect(specProblems(tight)).toEqual([]);
    expect(warningsAt(tight, 'nodes.kafka.minPerZone')).toEqual([
      expect.stringContaining(
        'leaving 26 for broker volumes, and 25 once the VPC CNI attaches the spare network interface',
      ),
    ]);
    expect(specProblems(packed('m7i.4xlarge', 31, 1))).toEqual([]);
    expect(specProblems(packed('m7i.4xlarge', 32, 1))).toEqual([
      expect.stringContaining(
        'a m7i.4xlarge has a dedicated limit of 32 EBS volumes, one of them the root volume, leaving 31',
      ),
    ]);
  });

  it('refuses exactly the node packings past the attachment limit of the instance type', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('m6i.8xlarge', 'm5.4xlarge', 'm7g.4xlarge', 'm7i.4xlarge', 'r6i.4xlarge'),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(1, 2, 3),
        (instanceType, brokersPerZone, minPerZone) => {
          fc.pre(brokersPerZone % minPerZone === 0);
          const input = packed(instanceType, brokersPerZone, minPerZone);
          const perNode = brokersPerZone / minPerZone;
          const certain = instanceType.startsWith('m7i') ? 31 : 26;
          const usual = instanceType.startsWith('m7i') ? 31 : 25;
          const refused = specProblems(input).filter(p => p.includes('aws-ebs-csi-driver#1728'));
          expect(refused).toHaveLength(perNode > certain ? 1 : 0);
          if (specProblems(input).length === 0) {
            expect(
              parseSpec(input).warnings.filter(w => w.message.includes('aws-ebs-csi-driver#1728')),
            ).toHaveLength(perNode > usual ? 1 : 0);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('class: a pinned NLB subnet the spec shows to be of another zone, or private for internet-facing', () => {
  // https://github.com/kubernetes-sigs/aws-load-balancer-controller/issues/2782: the controller
  // built an internet-facing load balancer on a private subnet, as it was told, and it served no
  // internet client. https://github.com/kubernetes/cloud-provider-aws/issues/206: an NLB leaves
  // targets in zones it is not enabled in unused ("Target is in an Availability Zone that is not
  // enabled for the load balancer"). kafka.external.subnets pins each zone's broker NLBs to one
  // subnet without cross-zone balancing; the spec checked only the zone keys, not the subnets.
  const zones = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
  const privateIds = [
    'subnet-0a23456789abcdef0',
    'subnet-0b23456789abcdef0',
    'subnet-0c23456789abcdef0',
  ];
  const publicIds = [
    'subnet-1a23456789abcdef0',
    'subnet-1b23456789abcdef0',
    'subnet-1c23456789abcdef0',
  ];
  function pinned(
    subnets: Record<string, string>,
    scheme: 'internal' | 'internet-facing',
    existing: boolean,
  ): PlatformSpecInput {
    const base = specInput(3, 1);
    return {
      ...base,
      kafka: {
        ...base.kafka,
        external: {
          enabled: true,
          scheme,
          allowPublic: scheme === 'internet-facing',
          allowedCidrs: ['203.0.113.0/24'],
          subnets,
        },
      },
      ...(existing
        ? {
            cluster: {
              vpcCidr: '10.0.0.0/16',
              existingVpc: {
                vpcId: 'vpc-0123456789abcdef0',
                privateSubnetIds: Object.fromEntries(zones.map((z, i) => [z, privateIds[i] ?? ''])),
                publicSubnetIds: Object.fromEntries(zones.map((z, i) => [z, publicIds[i] ?? ''])),
              },
            },
          }
        : {}),
    };
  }

  it('throws when an internet-facing NLB is pinned to a private subnet of the existing VPC (aws-load-balancer-controller#2782)', () => {
    const subnets = Object.fromEntries(
      zones.map((z, i) => [z, i === 0 ? (privateIds[0] ?? '') : (publicIds[i] ?? '')]),
    );
    expect(specProblems(pinned(subnets, 'internet-facing', true))).toEqual([
      'kafka.external.subnets["us-west-2a"]: "subnet-0a23456789abcdef0" is cluster.existingVpc.privateSubnetIds["us-west-2a"], a private subnet, but kafka.external.scheme is internet-facing, which needs a public subnet (a route to an internet gateway): the AWS Load Balancer Controller creates the NLB where it is pinned (kubernetes-sigs/aws-load-balancer-controller#2782) and clients on the internet never reach it; use "subnet-1a23456789abcdef0", or scheme internal',
    ]);
  });

  it("throws when a zone is pinned to another zone's subnet, by ID or by the platform's Name tag (cloud-provider-aws#206)", () => {
    expect(
      specProblems(
        pinned(
          {
            'us-west-2a': 'test-private-us-west-2b',
            'us-west-2b': 'test-private-us-west-2b',
            'us-west-2c': 'test-private-us-west-2c',
          },
          'internal',
          false,
        ),
      ),
    ).toEqual([
      'kafka.external.subnets["us-west-2a"]: "test-private-us-west-2b" is the private subnet the platform creates in us-west-2b, but each zone\'s broker NLBs are pinned to one subnet without cross-zone load balancing, and an NLB does not route to targets in a zone it is not enabled in ("Target is in an Availability Zone that is not enabled for the load balancer", kubernetes/cloud-provider-aws#206), so the brokers of us-west-2a would be unreachable through it; use "test-private-us-west-2a"',
    ]);
  });

  it('refuses exactly the pins to another zone, and private pins under internet-facing', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5)),
        fc.constantFrom('internal' as const, 'internet-facing' as const),
        fc.boolean(),
        (choice, scheme, existing) => {
          // Each zone picks one of the six subnets the spec knows: private or public of a zone.
          const refs = existing
            ? [...privateIds, ...publicIds]
            : [...zones.map(z => `test-private-${z}`), ...zones.map(z => `test-public-${z}`)];
          const subnets = Object.fromEntries(zones.map((z, i) => [z, refs[choice[i] ?? 0] ?? '']));
          const expected = zones.filter((_, i) => {
            const pick = choice[i] ?? 0;
            const otherZone = pick % 3 !== i;
            const isPrivate = pick < 3;
            return otherZone || (isPrivate && scheme === 'internet-facing');
          }).length;
          const found = specProblems(pinned(subnets, scheme, existing)).filter(p =>
            /cloud-provider-aws#206|aws-load-balancer-controller#2782/.test(p),
          );
          expect(found).toHaveLength(expected);
        },
      ),
      { numRuns: 120 },
    );
  });
});

describe('class: a broker time setting given in two units, where Kafka reads only the first (warning)', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/pull/9122: Strimzi documents that
  // log.retention.ms wins over .minutes, which wins over .hours, by the key whatever the values;
  // readers expect the other way (danielsobrado/CCDAK-Exam-Questions#13). A spec that sets
  // log.retention.hours: 24 beside an older log.retention.ms keeps the ms value, and the spec
  // said nothing.
  it('warns that log.retention.hours 24 is ignored beside log.retention.ms (strimzi#9122)', () => {
    const input = withBrokerConfig({ 'log.retention.ms': 604800000, 'log.retention.hours': 24 });
    expect(specProblems(input)).toEqual([]);
    expect(warningsAt(input, '["log.retention.hours"]')).toEqual([
      'kafka.config["log.retention.hours"]: 24 is ignored: Kafka reads log.retention.ms first whenever it is set, whatever the values (strimzi-kafka-operator#9122), so the brokers use log.retention.ms 604800000 (604800000 ms), not 86400000 ms; keep one of the two keys, preferably log.retention.ms (the one Kafka can also change without a restart)',
    ]);
  });

  it('says nothing when the units agree or only one key is set', () => {
    const agreeing = withBrokerConfig({ 'log.roll.ms': 3600000, 'log.roll.hours': 1 });
    expect(parseSpec(agreeing).warnings.filter(w => w.message.includes('#9122'))).toEqual([]);
    const single = withBrokerConfig({ 'log.retention.minutes': 60 });
    expect(parseSpec(single).warnings.filter(w => w.message.includes('#9122'))).toEqual([]);
  });

  it('warns at exactly the keys Kafka skips whose value differs from the one it reads', () => {
    const value = fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined });
    fc.assert(
      fc.property(value, value, value, (ms, minutes, hours) => {
        const config: Config = {};
        if (ms !== undefined) config['log.retention.ms'] = ms * 3600000;
        if (minutes !== undefined) config['log.retention.minutes'] = minutes * 60;
        if (hours !== undefined) config['log.retention.hours'] = hours;
        const warned = parseSpec(withBrokerConfig(config))
          .warnings.filter(w => w.message.includes('#9122'))
          .map(w => w.path);
        // In hours each: the first set key wins; later keys are flagged when they differ from it.
        const set = [
          ['log.retention.ms', ms],
          ['log.retention.minutes', minutes],
          ['log.retention.hours', hours],
        ].filter(([, v]) => v !== undefined) as Array<[string, number]>;
        const winner = set[0];
        const expected = set
          .slice(1)
          .filter(([, v]) => winner !== undefined && v !== winner[1])
          .map(([key]) => `kafka.config["${key}"]`);
        expect(warned).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});

describe('class: a Kubernetes version EKS cannot move the deployed cluster to', () => {
  // https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2607: "Unsupported Kubernetes
  // minor version update from 1.22 to 1.25" (EKS upgrades one minor version at a time);
  // https://github.com/rancher/rancher/issues/43316: "... from 1.25 to 1.24" (EKS never
  // downgrades). The spec checked cluster.kubernetesVersion only against the pinned add-on rows;
  // the Pulumi program now compares it with its last deployment (test/stacks/program.test.ts).
  it('refuses 1.22 to 1.25 with the steps to take (terraform-aws-eks#2607)', () => {
    expect(kubernetesVersionProblem('1.22', '1.25')).toEqual({
      path: 'cluster.kubernetesVersion',
      message:
        '"1.25" skips minor versions after the stack last deployed "1.22" (stack output kubernetesVersion), and EKS upgrades a control plane one minor version at a time ("Unsupported Kubernetes minor version update", terraform-aws-modules/terraform-aws-eks#2607), so pulumi up would fail after changing other resources; deploy "1.23", then "1.24", then "1.25" in turn, one pulumi up each (each needs its row of pinned add-ons, components/lib/addon-versions.ts)',
    });
  });

  it('refuses 1.25 to 1.24 (rancher/rancher#43316), and names an unreadable output', () => {
    expect(kubernetesVersionProblem('1.25', '1.24')?.message).toContain(
      'EKS never downgrades a control plane',
    );
    expect(() => deployedKubernetesVersion(1.3)).toThrow(
      'stack output kubernetesVersion of the last deployment is 1.3, not a Kubernetes minor version',
    );
    expect(deployedKubernetesVersion(undefined)).toBeUndefined();
  });

  it('accepts exactly the same minor version and the next one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 45 }),
        fc.integer({ min: 20, max: 45 }),
        (was, now) => {
          const problem = kubernetesVersionProblem(`1.${was}`, `1.${now}`);
          expect(problem === undefined).toBe(now === was || now === was + 1);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('class: a per-address connection limit that external clients behind the NLB share (warning)', () => {
  // https://github.com/hashicorp/consul/issues/10505: behind an AWS load balancer every client
  // came from the load balancer's address, so a per-IP connection limit tripped for everyone
  // once one client opened many connections (redpanda-data/docs#1357 documents the same for
  // Kafka clients behind one address). The platform's NLBs use target type ip, which keeps no
  // client address over TCP, so max.connections.per.ip counts all external clients of a zone.
  function limited(limit: number, external: boolean): PlatformSpecInput {
    const base = withBrokerConfig({ 'max.connections.per.ip': limit });
    return {
      ...base,
      kafka: {
        ...base.kafka,
        external: external ? { enabled: true, allowedCidrs: ['10.0.0.0/8'] } : { enabled: false },
      },
    };
  }

  it('warns when max.connections.per.ip is 100 with the external listener on (hashicorp/consul#10505)', () => {
    expect(specProblems(limited(100, true))).toEqual([]);
    expect(warningsAt(limited(100, true), '["max.connections.per.ip"]')).toEqual([
      'kafka.config["max.connections.per.ip"]: 100 is counted per source address, and with kafka.external.enabled every external client reaches a broker from the private address of the NLB (target type ip keeps no client address over TCP), so all external clients of a zone share 100 connections per broker and the broker closes the ones beyond it, whichever client opens them (hashicorp/consul#10505, the same limit behind an AWS load balancer); raise it above the connections all external clients open to one broker, limit brokers with max.connections instead, or leave it out',
    ]);
  });

  it('warns exactly when the external listener is on and the limit is set', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100000 }), fc.boolean(), (limit, external) => {
        const warned = parseSpec(limited(limit, external)).warnings.filter(w =>
          w.message.includes('hashicorp/consul#10505'),
        );
        expect(warned).toHaveLength(external ? 1 : 0);
      }),
      { numRuns: 40 },
    );
  });
});

describe('class: a nodegroup instance type EKS cannot change on the deployed node group', () => {
  // https://github.com/terraform-aws-modules/terraform-aws-eks/issues/1415 (and #1931,
  // aws/aws-cdk#26931): a new instance type replaced the named managed node group, and creating
  // the replacement failed with "ResourceInUseException: NodeGroup already exists". The platform
  // names its node groups, so the same edit failed half-way through pulumi up; the program now
  // compares with its last deployment (test/stacks/program.test.ts).
  it('refuses m6i.2xlarge to m6i.4xlarge for the Kafka nodegroups (terraform-aws-eks#1415)', () => {
    expect(
      instanceTypeChangeProblems(
        { 'nodes.kafka.instanceType': 'm6i.2xlarge', 'nodes.system.instanceType': 'm6i.large' },
        { 'nodes.kafka.instanceType': 'm6i.4xlarge', 'nodes.system.instanceType': 'm6i.large' },
      ),
    ).toEqual([
      {
        path: 'nodes.kafka.instanceType',
        message:
          '"m6i.4xlarge" differs from "m6i.2xlarge", which the stack last deployed (stack output nodeInstanceTypes); EKS cannot change the instance type of a managed node group, so pulumi up would replace every zone\'s Kafka nodegroup under the same name and fail half-way with "NodeGroup already exists" (terraform-aws-modules/terraform-aws-eks#1415, aws/aws-cdk#26931), and a replacement that went through would take all the nodes of a zone at once. Keep "m6i.2xlarge"; to move to another instance type, deploy the platform anew (a new stack, or pulumi destroy first)',
      },
    ]);
  });

  it('records the system nodegroup only for a cluster the platform creates, and names an unreadable output', () => {
    const created = parseSpec(specInput(3, 1)).spec;
    expect(Object.keys(nodeInstanceTypesOf(created))).toEqual([
      'nodes.kafka.instanceType',
      'nodes.system.instanceType',
    ]);
    const joined = parseSpec(specInput(1, 3)).spec;
    expect(Object.keys(nodeInstanceTypesOf(joined))).toEqual(['nodes.kafka.instanceType']);
    expect(() => deployedInstanceTypes(['m6i.large'])).toThrow(
      'stack output nodeInstanceTypes of the last deployment is ["m6i.large"], not an object of instance types',
    );
  });

  it('refuses exactly the fields whose instance type changed', () => {
    const types = ['m6i.large', 'm6i.xlarge', 'm7g.large'];
    fc.assert(
      fc.property(
        fc.constantFrom(...types),
        fc.constantFrom(...types),
        fc.option(fc.constantFrom(...types), { nil: undefined }),
        fc.constantFrom(...types),
        (kafkaWas, kafkaNow, systemWas, systemNow) => {
          const deployed: Record<string, string> = { 'nodes.kafka.instanceType': kafkaWas };
          if (systemWas !== undefined) deployed['nodes.system.instanceType'] = systemWas;
          const problems = instanceTypeChangeProblems(deployed, {
            'nodes.kafka.instanceType': kafkaNow,
            'nodes.system.instanceType': systemNow,
          });
          const expected = [
            ...(kafkaWas !== kafkaNow ? ['nodes.kafka.instanceType'] : []),
            ...(systemWas !== undefined && systemWas !== systemNow
              ? ['nodes.system.instanceType']
              : []),
          ];
          expect(problems.map(problem => problem.path)).toEqual(expected);
        },
      ),
      { numRuns: 80 },
    );
  });
});

describe('class: size-based retention the volumes cannot hold, counting the segment beyond it', () => {
  // https://github.com/strimzi/strimzi-kafka-operator/issues/11845: a broker retention with a
  // changed log.segment.bytes filled the PVC and the broker crash-looped. Kafka deletes a segment
  // only while the rest of the partition holds retention.bytes, so each replica reaches
  // retention.bytes plus one whole segment; the round-3 rule counted retention.bytes alone and let
  // this through.
  function withRetention(
    sizeGi: number,
    config: Config,
    topicConfig: Config = {},
  ): PlatformSpecInput {
    const base = specInput(3, 1);
    return {
      ...base,
      kafka: {
        ...base.kafka,
        storage: { sizeGi },
        config,
        topics: [{ name: 'events', partitions: 12, config: topicConfig }],
      },
    };
  }

  it('throws when 1 GiB retention and 1 GiB segments on 12 x 3 replicas meet 20 GiB volumes (strimzi#11845)', () => {
    expect(
      specProblems(
        withRetention(20, { 'log.retention.bytes': 2 ** 30, 'log.segment.bytes': 2 ** 30 }),
      ),
    ).toEqual([
      'kafka.storage.sizeGi: 20 GiB on each of 3 brokers is 60 GiB, but size-based retention keeps at least 72 GiB before deleting anything (retention.bytes counts per partition and per replica, and each replica also holds one whole segment beyond it before its oldest segment goes, strimzi-kafka-operator#11845; "events": 12 partitions x 3 replicas x (1 GiB (kafka.config["log.retention.bytes"]) + 1 GiB (kafka.config["log.segment.bytes"])) = 72 GiB), so the volumes fill first; raise kafka.storage.sizeGi to at least 24, or lower retention.bytes or segment.bytes',
    ]);
  });

  it('refuses exactly when partitions x replicas x (retention + segment) exceed the volumes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: 10, max: 200 }),
        (retentionGi, segmentMi, sizeGi) => {
          const problems = specProblems(
            withRetention(
              sizeGi,
              {},
              { 'retention.bytes': retentionGi * 2 ** 30, 'segment.bytes': segmentMi * 2 ** 20 },
            ),
          ).filter(problem => problem.startsWith('kafka.storage.sizeGi'));
          const least = 12 * 3 * (retentionGi * 2 ** 30 + segmentMi * 2 ** 20);
          expect(problems.length > 0).toBe(least > 3 * sizeGi * 2 ** 30);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('class: committed offsets that expire before the records they point into (warning)', () => {
  // https://github.com/RADAR-base/RADAR-Docker/issues/142: with offsets.retention.minutes at a
  // day and topics kept longer, a streams app stopped for more than a day lost its committed
  // offsets and reprocessed every record (auto.offset.reset earliest); confluentinc/librdkafka#1442
  // shows the reset. Kafka drops an empty group's offsets after offsets.retention.minutes
  // (KIP-211) whatever the topics keep; the spec accepted any value.
  function withOffsets(minutes: number, topicConfig: Config, config: Config = {}) {
    return withBrokerConfig({ 'offsets.retention.minutes': minutes, ...config }, topicConfig);
  }

  it('warns when offsets expire after a day and the topic keeps 7 days (RADAR-Docker#142)', () => {
    const input = withOffsets(1440, {});
    expect(specProblems(input)).toEqual([]);
    expect(warningsAt(input, '["offsets.retention.minutes"]')).toEqual([
      'kafka.config["offsets.retention.minutes"]: 1440 minutes is shorter than topic "events" keeps its records 10080 minutes (Kafka\'s default log.retention.hours 168): Kafka drops a consumer group\'s committed offsets once the group has been empty that long while the records stay, so a consumer stopped for longer restarts at its auto.offset.reset and reprocesses the topic from the start or skips what arrived meanwhile (RADAR-base/RADAR-Docker#142); raise it to at least 10080, or leave it out for Kafka\'s 7 days',
    ]);
  });

  it('names a compacted topic as kept without a time limit', () => {
    const [warning] = warningsAt(
      withOffsets(525600, { 'cleanup.policy': 'compact' }),
      '["offsets.retention.minutes"]',
    );
    expect(warning).toContain(
      'keeps its records without a time limit (cleanup.policy "compact" (no time limit))',
    );
  });

  it('warns exactly when the set offsets retention is shorter than the longest topic retention', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100000 }),
        fc.option(fc.integer({ min: 1, max: 100000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
        (offsetsMinutes, topicMinutes, brokerHours) => {
          const topicConfig: Config = {};
          if (topicMinutes !== undefined) topicConfig['retention.ms'] = topicMinutes * 60000;
          const config: Config = {};
          if (brokerHours !== undefined) config['log.retention.hours'] = brokerHours;
          const warned = parseSpec(
            withOffsets(offsetsMinutes, topicConfig, config),
          ).warnings.filter(w => w.message.includes('RADAR-Docker#142'));
          const topicMs =
            topicMinutes !== undefined ? topicMinutes * 60000 : (brokerHours ?? 168) * 3600000;
          expect(warned).toHaveLength(topicMs > offsetsMinutes * 60000 ? 1 : 0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
