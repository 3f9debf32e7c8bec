/**
 * Invariants over every object the whole platform emits, for both example specs and generated
 * variations (1-6 zones, 1-12 brokers per zone, every autoscaling mode and drain-cleaner mode).
 */
import { objectFileName, synthPlatform, type KubeObject } from '../../charts/synth';
import { nameProblems } from '../util/names';
import { parseSpec, type LoadedSpec } from '../../spec';
import { validateBuiltIn } from '../util/builtin-validator';
import {
  crdsAvailable,
  CRDS_DIR,
  isCustomResource,
  validateAgainstCrds,
} from '../util/crd-validator';
import { parse } from 'yaml';
import { edgeCaseSpec } from '../cluster/specs';
import { exampleSpec, specInput, variations } from '../util/specs';

type Obj = Record<string, any>;

const cases: Array<{ label: string; loaded: LoadedSpec }> = [
  { label: 'dev example', loaded: exampleSpec('dev') },
  { label: 'prod example', loaded: exampleSpec('prod') },
  edgeCaseSpec(),
  ...variations(),
  ...(['controller', 'target-tracking', 'off'] as const).flatMap(mode =>
    (['deny', 'legacy'] as const).flatMap(drainMode =>
      (['none', 'flux', 'argocd'] as const).map(engine => ({
        label: `mode ${mode}, drain ${drainMode}, gitops ${engine}`,
        loaded: parseSpec({
          ...specInput(3, 4),
          autoscaling: { mode },
          drainCleaner: { mode: drainMode },
          gitops: { engine },
        }),
      })),
    ),
  ),
];

/** Every value under `key` anywhere inside an object tree. */
function findAll(tree: unknown, key: string): unknown[] {
  if (Array.isArray(tree)) return tree.flatMap(item => findAll(item, key));
  if (tree === null || typeof tree !== 'object') return [];
  return Object.entries(tree).flatMap(([k, v]) =>
    k === key ? [v, ...findAll(v, key)] : findAll(v, key),
  );
}

function objectsOf(loaded: LoadedSpec): KubeObject[] {
  return synthPlatform(loaded).components.flatMap(component => component.objects);
}

if (!crdsAvailable()) {
  console.log(
    `CRD folder ${CRDS_DIR} not found: custom resources are not schema-checked in this run.`,
  );
}

describe.each(cases)('platform invariants: $label', ({ loaded }) => {
  const objects = objectsOf(loaded) as Obj[];
  const brokerPools = objects.filter(
    o => o.kind === 'KafkaNodePool' && o.spec.roles.includes('broker'),
  );

  it('every built-in object passes the Kubernetes schema', () => {
    const problems = objects.flatMap(o =>
      crdsAvailable() && isCustomResource(o) ? [] : (validateBuiltIn(o as KubeObject) ?? []),
    );
    expect(problems).toEqual([]);
  });

  it('every object is either a known built-in kind or a custom resource with a CRD', () => {
    if (!crdsAvailable()) return;
    const unknown = objects.filter(
      o => !isCustomResource(o) && validateBuiltIn(o as KubeObject) === undefined,
    );
    // ../shared/crds has no CRD for Flux's kustomize-controller; the layer Kustomizations' fields
    // are checked by test/charts/gitops-layers.test.ts instead (docs/gitops.md says so).
    const withoutCrd = new Set(['kustomize.toolkit.fluxcd.io/v1 Kustomization']);
    expect(
      unknown.map(o => `${o.apiVersion} ${o.kind}`).filter(type => !withoutCrd.has(type)),
    ).toEqual([]);
  });

  it('every custom resource is valid against its CRD', () => {
    if (!crdsAvailable()) return;
    expect(validateAgainstCrds(objects)).toEqual([]);
  });

  it('object names are unique per kind and namespace', () => {
    const keys = objects.map(
      o => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('brokers have a memory limit equal to the request and no CPU limit', () => {
    expect(brokerPools.length).toBe(loaded.spec.zones.length);
    for (const pool of brokerPools) {
      expect(pool.spec.resources.limits.cpu).toBeUndefined();
      expect(pool.spec.resources.requests.cpu).toBeDefined();
      expect(pool.spec.resources.limits.memory).toBe(pool.spec.resources.requests.memory);
    }
  });

  it('every hard spread constraint honours node taints and node affinity', () => {
    const constraints = findAll(objects, 'topologySpreadConstraints').flat() as Obj[];
    const hard = constraints.filter(c => c.whenUnsatisfiable === 'DoNotSchedule');
    expect(hard.length).toBeGreaterThan(0);
    for (const constraint of hard) {
      expect(constraint).toMatchObject({
        maxSkew: 1,
        nodeTaintsPolicy: 'Honor',
        nodeAffinityPolicy: 'Honor',
      });
    }
  });

  it('each zone has exactly one broker pool, required to stay in that zone and spread over hosts', () => {
    const zones = brokerPools.map(pool => {
      const terms =
        pool.spec.template.pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
          .nodeSelectorTerms;
      expect(terms).toHaveLength(1);
      const zoneRule = terms[0].matchExpressions.find(
        (e: Obj) => e.key === 'topology.kubernetes.io/zone',
      );
      expect(zoneRule.operator).toBe('In');
      expect(zoneRule.values).toHaveLength(1);
      const hostSpread = pool.spec.template.pod.topologySpreadConstraints.find(
        (c: Obj) => c.topologyKey === 'kubernetes.io/hostname',
      );
      expect(hostSpread.labelSelector.matchLabels['strimzi.io/pool-name']).toBe(pool.metadata.name);
      return zoneRule.values[0];
    });
    expect([...zones].sort()).toEqual([...loaded.spec.zones].sort());
  });

  it('node-ID ranges of the pools never overlap and broker IDs tell the zone', () => {
    const ranges = objects
      .filter(o => o.kind === 'KafkaNodePool')
      .map(o =>
        o.metadata.annotations['strimzi.io/next-node-ids']
          .match(/^\[(\d+)-(\d+)\]$/)
          .slice(1)
          .map(Number),
      );
    ranges.sort((a: number[], b: number[]) => a[0]! - b[0]!);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBeGreaterThan(ranges[i - 1][1]);
  });

  it('every listener uses TLS and authentication; NLBs are never open to the world by default', () => {
    const kafka = objects.find(o => o.kind === 'Kafka')!;
    for (const listener of kafka.spec.kafka.listeners) {
      expect(listener.tls).toBe(true);
      expect(listener.authentication).toBeDefined();
      expect(listener.networkPolicyPeers.length).toBeGreaterThan(0);
      const ranges: string[] = listener.configuration?.loadBalancerSourceRanges ?? [];
      if (!loaded.spec.kafka.external.allowPublic) expect(ranges).not.toContain('0.0.0.0/0');
    }
    const annotations = findAll(objects, 'service.beta.kubernetes.io/aws-load-balancer-type');
    expect(annotations.every(value => value === 'external')).toBe(true);
  });

  it('topics replicate safely and never exceed the brokers', () => {
    for (const topic of objects.filter(o => o.kind === 'KafkaTopic')) {
      expect(topic.spec.replicas).toBeLessThanOrEqual(loaded.spec.kafka.brokers);
      expect(topic.spec.config['min.insync.replicas']).toBeLessThan(
        Math.max(2, topic.spec.replicas),
      );
    }
  });

  it('the Kafka PDB agrees with the drain-cleaner mode', () => {
    const kafka = objects.find(o => o.kind === 'Kafka')!;
    const expected = loaded.spec.drainCleaner.mode === 'legacy' ? 0 : 1;
    expect(kafka.spec.kafka.template.podDisruptionBudget.maxUnavailable).toBe(expected);
  });

  it('every file reads back as the synthesized object under YAML 1.1 and YAML 1.2', () => {
    const result = synthPlatform(loaded);
    for (const component of result.components) {
      for (const object of component.objects) {
        const text = result.files.get(`${component.name}/${objectFileName(object)}`);
        expect(text).toBeDefined();
        expect(parse(text!, { version: '1.1' })).toEqual(object);
        expect(parse(text!, { version: '1.2' })).toEqual(object);
      }
    }
    for (const [file, text] of result.files) {
      if (!file.endsWith('kustomization.yaml')) continue;
      expect(parse(text, { version: '1.1' })).toEqual(parse(text, { version: '1.2' }));
    }
  });

  it('every object name and label value is valid for its kind', () => {
    expect(objects.flatMap(o => nameProblems(o as KubeObject))).toEqual([]);
  });

  it('re-synth is byte-identical', () => {
    const first = [...synthPlatform(loaded).files];
    const second = [...synthPlatform(loaded).files];
    expect(second).toEqual(first);
  });
});

describe('the invariant checks catch violations', () => {
  it('a CRD typo is reported', () => {
    if (!crdsAvailable()) return;
    const kafka = objectsOf(exampleSpec('prod')).find(o => o.kind === 'Kafka') as Obj;
    const broken: Obj = {
      ...kafka,
      spec: { ...kafka.spec, kafka: { ...kafka.spec.kafka, listeners: [] } },
    };
    expect(validateAgainstCrds([broken]).join('\n')).toMatch(/listeners/);
  });

  it('an unknown field in a custom resource is reported', () => {
    if (!crdsAvailable()) return;
    const kafka = objectsOf(exampleSpec('prod')).find(o => o.kind === 'Kafka') as Obj;
    const typo: Obj = {
      ...kafka,
      spec: { ...kafka.spec, kafka: { ...kafka.spec.kafka, rackz: {} } },
    };
    expect(validateAgainstCrds([typo]).join('\n')).toMatch(
      /must NOT have additional properties \(rackz\)/,
    );
  });

  it('a wrong type in a built-in object is reported', () => {
    const problems = validateBuiltIn({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'x', labels: { a: 1 } },
    } as never);
    expect(problems?.join('\n')).toMatch(/labels/);
  });
});
