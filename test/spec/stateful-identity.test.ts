/**
 * The guarded spec fields (spec/stateful-identity.ts): what the identity records, which edits it
 * refuses, the messages, and a property over random edits: every edit of a guarded field is refused
 * and names that field; any mix of unguarded edits passes.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { formatIssue } from '../../spec/errors';
import { loadSpecFile } from '../../spec/load';
import type { PlatformSpec } from '../../spec/schema';
import {
  deployedStatefulIdentity,
  GUARDED_FIELDS,
  legacyStatefulIdentity,
  statefulIdentityOf,
  statefulIdentityProblems,
  uncheckedByLegacyOutputs,
} from '../../spec/stateful-identity';

const DEV = loadSpecFile(join(__dirname, '..', '..', 'stacks', 'dev.yaml')).spec;

/** dev.yaml joining an existing cluster in an existing VPC. */
function joinedSpec(): PlatformSpec {
  const spec = structuredClone(DEV);
  spec.cluster.existingVpc = {
    vpcId: 'vpc-0123456789abcdef0',
    privateSubnetIds: {
      'us-east-1a': 'subnet-0aaaaaaaaaaaaaaa1',
      'us-east-1b': 'subnet-0bbbbbbbbbbbbbbb1',
      'us-east-1c': 'subnet-0ccccccccccccccc1',
    },
    publicSubnetIds: {},
  };
  spec.cluster.existing = { name: 'shared-eks' };
  return spec;
}

type Edit = (spec: PlatformSpec) => void;

/** One edit per guarded field, each changing only that field's entries (on either base spec). */
const GUARDED_EDITS: Readonly<Record<string, Edit>> = {
  name: spec => {
    spec.name = `${spec.name}-2`;
  },
  region: spec => {
    spec.region = 'eu-west-1';
  },
  zones: spec => {
    const [first, second, ...rest] = spec.zones;
    spec.zones = [second ?? '', first ?? '', ...rest];
  },
  'cluster.vpcCidr': spec => {
    spec.cluster.existingVpc = undefined;
    spec.cluster.existing = undefined;
    spec.cluster.vpcCidr = '10.42.0.0/16';
  },
  'cluster.existingVpc.vpcId': spec => {
    spec.cluster.existingVpc = {
      vpcId: 'vpc-0fedcba9876543210',
      privateSubnetIds: spec.cluster.existingVpc?.privateSubnetIds ?? {},
      publicSubnetIds: {},
    };
  },
  'cluster.existingVpc.privateSubnetIds': spec => {
    const existing = joinedSpec().cluster.existingVpc;
    spec.cluster.existingVpc = {
      vpcId: spec.cluster.existingVpc?.vpcId ?? existing?.vpcId ?? '',
      privateSubnetIds: {
        ...(spec.cluster.existingVpc?.privateSubnetIds ?? existing?.privateSubnetIds),
        'us-east-1a': 'subnet-0aaaaaaaaaaaaaaa2',
      },
      publicSubnetIds: {},
    };
  },
  'cluster.existing.name': spec => {
    spec.cluster.existing = { name: `${spec.cluster.existing?.name ?? 'other'}-2` };
  },
  'nodes.kafka.instanceType': spec => {
    spec.nodes.kafka.instanceType = 'r6i.xlarge';
  },
  'nodes.system.instanceType': spec => {
    spec.nodes.system.instanceType = 'm7g.large';
  },
  'kafka.namespace': spec => {
    spec.kafka.namespace = 'streaming';
  },
  'operators.strimziNamespace': spec => {
    spec.operators.strimziNamespace = 'strimzi-system';
  },
  'monitoring.namespace': spec => {
    spec.monitoring.namespace = 'observability';
  },
  'gitops.namespace': spec => {
    spec.gitops.namespace = 'gitops';
  },
  'controller.namespace': spec => {
    spec.controller.namespace = 'autoscaler-moved';
  },
};

/** `base` with Pulumi installing kube-prometheus-stack (and the operators, `gitops.engine: none`). */
function withPrometheus(base: PlatformSpec): PlatformSpec {
  const spec = structuredClone(base);
  spec.monitoring.installKubePrometheusStack = true;
  return spec;
}

/** `base` with Pulumi bootstrapping Flux from a repository (Flux then installs the operators). */
function withFlux(base: PlatformSpec): PlatformSpec {
  const spec = structuredClone(base);
  spec.gitops = {
    ...spec.gitops,
    engine: 'flux',
    repository: { url: 'https://github.com/example/platform.git' } as NonNullable<
      PlatformSpec['gitops']['repository']
    >,
  };
  return spec;
}

/** Edits that must pass: they update resources in place, or are checked elsewhere. */
const UNGUARDED_EDITS: readonly Edit[] = [
  spec => {
    spec.cluster.tags = { team: 'payments' };
  },
  spec => {
    spec.cluster.publicEndpointCidrs = ['203.0.113.0/24'];
  },
  spec => {
    spec.cluster.adminPrincipalArns = ['arn:aws:iam::123456789012:role/admin'];
  },
  spec => {
    spec.cluster.kubernetesVersion = '1.33';
  },
  spec => {
    spec.kafka.brokers = 6;
  },
  spec => {
    spec.kafka.storage.sizeGi = 200;
  },
  spec => {
    spec.nodes.kafka.maxPerZone = 4;
  },
  spec => {
    spec.nodes.system.max = 6;
  },
  spec => {
    spec.autoscaling.mode = 'controller';
  },
  spec => {
    spec.zones = [...spec.zones, 'us-east-1d'];
  },
  spec => {
    // kube-prometheus-stack is not installed on either base, so its namespace reaches no release
    spec.monitoring.namespace = 'observability';
  },
  spec => {
    // the VPC range of an existing VPC reaches only network policies
    if (spec.cluster.existingVpc !== undefined) spec.cluster.vpcCidr = '172.16.0.0/16';
  },
];

function edited(base: PlatformSpec, edits: readonly Edit[]): PlatformSpec {
  const spec = structuredClone(base);
  for (const edit of edits) edit(spec);
  return spec;
}

function problemPaths(base: PlatformSpec, next: PlatformSpec): string[] {
  return statefulIdentityProblems(statefulIdentityOf(base), statefulIdentityOf(next)).map(
    found => found.path,
  );
}

describe('controller.namespace: an acting controller never moves to a second Lease', () => {
  const moved = (spec: PlatformSpec): PlatformSpec => {
    const next = structuredClone(spec);
    next.controller.namespace = 'autoscaler-moved';
    return next;
  };
  const withAutoscaling = (
    spec: PlatformSpec,
    autoscaling: Partial<PlatformSpec['autoscaling']>,
  ): PlatformSpec => {
    const next = structuredClone(spec);
    next.autoscaling = { ...next.autoscaling, ...autoscaling };
    return next;
  };
  const ACTING = withAutoscaling(DEV, { mode: 'controller', dryRun: false });
  const problemsBetween = (before: PlatformSpec, after: PlatformSpec): string[] =>
    statefulIdentityProblems(statefulIdentityOf(before), statefulIdentityOf(after)).map(
      issue => `${issue.path}: ${issue.message}`,
    );

  it('refuses the move while the controller acts on both sides, naming the way to move it', () => {
    const [problem, ...rest] = problemsBetween(ACTING, moved(ACTING));
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^controller\.namespace: "autoscaler-moved" differs from "kafka-autoscaler"/,
    );
    expect(problem).toContain('two broker moves may be in flight');
    expect(problem).toContain('first pulumi up with autoscaling.dryRun: true');
  });

  it('passes each step of the documented move: dry run first, then the namespace, then acting again', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<PlatformSpec['autoscaling']['mode']>(
          'controller',
          'target-tracking',
          'off',
        ),
        fc.boolean(),
        fc.constantFrom<PlatformSpec['gitops']['engine']>('none', 'flux'),
        (mode, dryRun, engine) => {
          const before = withAutoscaling(DEV, { mode, dryRun });
          before.gitops = { ...before.gitops, engine };
          const after = moved(before);
          const acting = mode === 'controller' && !dryRun && engine === 'none';
          expect(problemsBetween(before, after).length).toBe(acting ? 1 : 0);
        },
      ),
    );
    const dry = withAutoscaling(ACTING, { dryRun: true });
    expect(problemsBetween(ACTING, dry)).toEqual([]);
    expect(problemsBetween(dry, moved(dry))).toEqual([]);
    expect(problemsBetween(moved(dry), moved(ACTING))).toEqual([]);
  });
});

describe('statefulIdentityOf', () => {
  it('records every guarded field of a created platform, null where the spec leaves it out', () => {
    expect(statefulIdentityOf(DEV)).toEqual({
      name: 'orders-dev',
      region: 'us-east-1',
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      'cluster.vpcCidr': '10.0.0.0/16',
      'cluster.existingVpc.vpcId': null,
      'cluster.existing.name': null,
      'nodes.kafka.instanceType': 'm6i.large',
      'nodes.system.instanceType': 'm6i.large',
      'kafka.namespace': 'kafka',
      'operators.strimziNamespace': 'strimzi',
      'monitoring.namespace': null,
      'gitops.namespace': null,
      // dev.yaml runs no controller (autoscaling.mode: off)
      'controller.namespace': null,
    });
  });

  it('records the given VPC, its subnets per zone and the joined cluster, and no system nodegroup', () => {
    const identity = statefulIdentityOf(joinedSpec());
    expect(identity).toMatchObject({
      'cluster.vpcCidr': null,
      'cluster.existingVpc.vpcId': 'vpc-0123456789abcdef0',
      'cluster.existingVpc.privateSubnetIds.us-east-1a': 'subnet-0aaaaaaaaaaaaaaa1',
      'cluster.existing.name': 'shared-eks',
    });
    expect(identity).not.toHaveProperty('nodes.system.instanceType');
  });

  it('is JSON as is (the program exports it as a stack output)', () => {
    const identity = statefulIdentityOf(joinedSpec());
    expect(JSON.parse(JSON.stringify(identity))).toEqual(identity);
  });
});

describe('statefulIdentityProblems', () => {
  it('throws when cluster.vpcCidr changes, naming field, both values, the VPC and the fix', () => {
    const problems = statefulIdentityProblems(
      statefulIdentityOf(DEV),
      statefulIdentityOf(edited(DEV, [GUARDED_EDITS['cluster.vpcCidr'] as Edit])),
    );
    expect(problems.map(formatIssue)).toEqual([
      expect.stringMatching(
        /^cluster\.vpcCidr: "10\.42\.0\.0\/16" differs from "10\.0\.0\.0\/16", which the stack was deployed with \(stack output statefulIdentity\)\. It reaches the VPC \(`cidrBlock`\).*Fix: keep "10\.0\.0\.0\/16"; to change it on purpose, deploy the platform anew as a new stack/,
      ),
    ]);
  });

  it('throws when name changes, saying the whole platform would be replaced', () => {
    const [problem] = statefulIdentityProblems(
      statefulIdentityOf(DEV),
      statefulIdentityOf(edited(DEV, [GUARDED_EDITS['name'] as Edit])),
    );
    expect(problem?.path).toBe('name');
    expect(problem?.message).toContain('"orders-dev-2" differs from "orders-dev"');
    expect(problem?.message).toContain('replace the whole platform');
  });

  it('throws when switching from the created VPC and cluster to given ones, once per field', () => {
    expect(problemPaths(DEV, joinedSpec())).toEqual([
      'cluster.vpcCidr',
      'cluster.existingVpc.vpcId',
      'cluster.existing.name',
    ]);
  });

  it('keeps the zones and instance type messages of their own modules', () => {
    const zones = statefulIdentityProblems(
      statefulIdentityOf(DEV),
      statefulIdentityOf(edited(DEV, [GUARDED_EDITS['zones'] as Edit])),
    );
    expect(zones[0]?.message).toContain('(stack output zoneOrder)');
    const types = statefulIdentityProblems(
      statefulIdentityOf(DEV),
      statefulIdentityOf(edited(DEV, [GUARDED_EDITS['nodes.kafka.instanceType'] as Edit])),
    );
    expect(types[0]?.message).toMatch(/^"r6i\.xlarge" differs from "m6i\.large"/);
  });

  it('passes entries only one side holds: a new field, an appended zone, a removed zone', () => {
    const deployed = { zones: ['a', 'b'], 'cluster.existingVpc.privateSubnetIds.b': 'subnet-b' };
    expect(
      statefulIdentityProblems(deployed, {
        zones: ['a'],
        name: 'new-field',
      }),
    ).toEqual([]);
    expect(statefulIdentityProblems({}, statefulIdentityOf(DEV))).toEqual([]);
  });

  it('throws for a path no row covers', () => {
    expect(() => statefulIdentityProblems({ nope: 'a' }, { nope: 'b' })).toThrow(
      'nope is not a guarded field',
    );
  });

  it('property: every guarded field edit is refused and named; unguarded edits pass', () => {
    const unguarded = fc.subarray([...UNGUARDED_EDITS]);
    const guardedPath = fc.constantFrom(...Object.keys(GUARDED_EDITS));
    fc.assert(
      fc.property(fc.boolean(), guardedPath, unguarded, (joined, path, others) => {
        const base = joined ? joinedSpec() : DEV;
        // Unguarded edits alone pass.
        expect(problemPaths(base, edited(base, others))).toEqual([]);
        // A guarded edit is refused under its path, whatever else changes with it. Two edits
        // exist only on one base: a joined cluster has no system nodegroup, and a created VPC no
        // given subnets (giving some is refused as a change of `cluster.existingVpc.vpcId`).
        if (joined && path === 'nodes.system.instanceType') return;
        if (!joined && path === 'cluster.existingVpc.privateSubnetIds') return;
        // Neither base has Pulumi install kube-prometheus-stack or a GitOps engine (see below).
        if (path === 'monitoring.namespace' || path === 'gitops.namespace') return;
        // Neither runs an acting controller (dev.yaml's mode is off; its own describe block).
        if (path === 'controller.namespace') return;
        const paths = problemPaths(base, edited(base, [...others, GUARDED_EDITS[path] as Edit]));
        expect(paths.some(found => found === path || found.startsWith(`${path}.`))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses moving a Helm release Pulumi installs to another namespace, naming the release and the fix', () => {
    // GIVEN platforms whose Pulumi program installs Strimzi and kube-prometheus-stack, or Flux
    const cases: Array<[string, PlatformSpec]> = [
      ['operators.strimziNamespace', withPrometheus(DEV)],
      ['monitoring.namespace', withPrometheus(DEV)],
      ['gitops.namespace', withFlux(DEV)],
    ];
    // WHEN each release's namespace changes
    for (const [path, base] of cases) {
      const problems = statefulIdentityProblems(
        statefulIdentityOf(base),
        statefulIdentityOf(edited(base, [GUARDED_EDITS[path] as Edit])),
      );
      // THEN one refusal under its path, saying Helm refuses the new release beside the old
      expect(problems.map(problem => problem.path)).toEqual([path]);
      expect(problems[0]?.message).toContain('invalid ownership metadata');
    }
    const [strimzi] = statefulIdentityProblems(
      statefulIdentityOf(DEV),
      statefulIdentityOf(edited(DEV, [GUARDED_EDITS['operators.strimziNamespace'] as Edit])),
    );
    expect(formatIssue(strimzi as NonNullable<typeof strimzi>)).toMatch(
      /^operators\.strimziNamespace: "strimzi-system" differs from "strimzi".*Fix: keep "strimzi"; to change it on purpose, uninstall the release first \(helm uninstall strimzi-kafka-operator/,
    );
  });

  it('passes a release namespace when Pulumi does not install the release on one side', () => {
    const base = withPrometheus(DEV);
    // a GitOps engine installs the operators, so their namespaces reach no Pulumi release
    const flux = withFlux(DEV);
    flux.operators.strimziNamespace = 'strimzi-system';
    expect(statefulIdentityOf(flux)['operators.strimziNamespace']).toBe(null);
    // kube-prometheus-stack turned off, then on again in another namespace: two runs, both pass
    const off = structuredClone(base);
    off.monitoring.installKubePrometheusStack = false;
    const movedOn = structuredClone(base);
    movedOn.monitoring.namespace = 'observability';
    expect(statefulIdentityProblems(statefulIdentityOf(base), statefulIdentityOf(off))).toEqual([]);
    expect(statefulIdentityProblems(statefulIdentityOf(off), statefulIdentityOf(movedOn))).toEqual(
      [],
    );
  });

  it('the edits above cover every row of GUARDED_FIELDS', () => {
    expect(Object.keys(GUARDED_EDITS).sort()).toEqual(GUARDED_FIELDS.map(f => f.path).sort());
  });
});

describe('deployedStatefulIdentity', () => {
  it('returns the output as is, undefined when absent', () => {
    expect(
      deployedStatefulIdentity({ name: 'a', zones: ['x'], 'cluster.existing.name': null }),
    ).toEqual({ name: 'a', zones: ['x'], 'cluster.existing.name': null });
    expect(deployedStatefulIdentity(undefined)).toBeUndefined();
    expect(deployedStatefulIdentity(null)).toBeUndefined();
  });

  it('throws naming the output and the fix when it is not an object of values', () => {
    expect(() => deployedStatefulIdentity(['orders'])).toThrow(
      'stack output statefulIdentity of the last deployment is ["orders"]',
    );
    expect(() => deployedStatefulIdentity({ name: 1 })).toThrow('pulumi stack import');
  });
});

describe('legacyStatefulIdentity', () => {
  it('reads what an earlier version recorded, and the rest is left unchecked', () => {
    const legacy = legacyStatefulIdentity({
      zoneOrder: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      nodeInstanceTypes: { 'nodes.kafka.instanceType': 'm6i.large' },
    });
    expect(legacy).toEqual({
      zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      'nodes.kafka.instanceType': 'm6i.large',
    });
    // A stack of the earlier program with the same spec passes.
    expect(statefulIdentityProblems(legacy, statefulIdentityOf(DEV))).toEqual([]);
    expect(uncheckedByLegacyOutputs(statefulIdentityOf(DEV))).toEqual([
      'name',
      'region',
      'cluster.vpcCidr',
      'cluster.existingVpc.vpcId',
      'cluster.existing.name',
      'kafka.namespace',
      'operators.strimziNamespace',
      'monitoring.namespace',
      'gitops.namespace',
      'controller.namespace',
    ]);
    expect(legacyStatefulIdentity({})).toEqual({});
  });
});
