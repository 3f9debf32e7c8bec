/**
 * One creator per namespace, over every way the namespace fields of a spec can coincide: a spec
 * either is refused by the rules (`spec/rules.ts` `namespaceCreatorIssues`), naming the field, or
 * its synth output gives every namespace exactly one creator (`charts/gitops-layers.ts`
 * `namespaceOwners`), in each GitOps mode.
 */
import fc from 'fast-check';
import { synthPlatform } from '../../charts/synth';
import { namespaceOwners } from '../../charts/gitops-layers';
import { SpecError } from '../../spec/errors';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import type { PlatformSpecInput } from '../../spec/schema';
import { specInput } from '../util/specs';

/** The namespace names a field may take: each default, and Kubernetes' own. */
const POOL = [
  'kafka',
  'strimzi',
  'cert-manager',
  'monitoring',
  'strimzi-drain-cleaner',
  'kafka-autoscaler',
  'kafka-descheduler',
  'flux-system',
  'argocd',
  'kube-system',
  'default',
] as const;

interface Choice {
  readonly kafka: string;
  readonly strimzi: string;
  readonly drainCleaner: string;
  readonly descheduler: string;
  readonly controller: string;
  readonly monitoring: string;
  readonly installKubePrometheusStack: boolean;
  readonly gitops: string;
  readonly engine: 'none' | 'flux' | 'argocd';
  readonly repository: boolean;
}

function inputOf(c: Choice): PlatformSpecInput {
  const base = specInput(3, 2);
  return {
    ...base,
    kafka: { ...base.kafka, namespace: c.kafka },
    autoscaling: { mode: 'target-tracking' }, // the descheduler (and its namespace) is on
    operators: { strimziNamespace: c.strimzi },
    drainCleaner: { namespace: c.drainCleaner },
    descheduler: { namespace: c.descheduler },
    controller: { namespace: c.controller },
    monitoring: {
      enabled: true,
      installKubePrometheusStack: c.installKubePrometheusStack,
      namespace: c.monitoring,
    },
    gitops:
      c.engine === 'none'
        ? { engine: 'none' }
        : {
            engine: c.engine,
            namespace: c.gitops,
            ...(c.repository
              ? { repository: { url: 'https://github.com/acme/platform.git' } }
              : {}),
          },
  };
}

/** The loaded spec, or the refusal's `path: message` lines. */
function load(c: Choice): LoadedSpec | string[] {
  try {
    return parseSpec(inputOf(c));
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
}

function twoCreators(loaded: LoadedSpec): string[] {
  const owners = namespaceOwners(loaded.spec, synthPlatform(loaded).components);
  return [...owners]
    .filter(([, list]) => list.length !== 1)
    .map(([namespace, list]) => `${namespace}: ${JSON.stringify(list)}`);
}

const name = fc.constantFrom(...POOL);
const choice: fc.Arbitrary<Choice> = fc.record({
  kafka: name,
  strimzi: name,
  drainCleaner: name,
  descheduler: name,
  controller: name,
  monitoring: name,
  installKubePrometheusStack: fc.boolean(),
  gitops: name,
  engine: fc.constantFrom('none', 'flux', 'argocd'),
  repository: fc.boolean(),
});

describe('one creator per namespace, whatever the namespace fields are', () => {
  it('refuses the spec or gives every namespace exactly one creator', () => {
    fc.assert(
      fc.property(choice, c => {
        const loaded = load(c);
        if (Array.isArray(loaded)) return;
        expect(twoCreators(loaded)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  const defaults: Choice = {
    kafka: 'kafka',
    strimzi: 'strimzi',
    drainCleaner: 'strimzi-drain-cleaner',
    descheduler: 'kafka-descheduler',
    controller: 'kafka-autoscaler',
    monitoring: 'monitoring',
    installKubePrometheusStack: true,
    gitops: 'flux-system',
    engine: 'flux',
    repository: true,
  };

  // Each of these gave a namespace two creators before the rule (the Kafka Namespace object and
  // kube-prometheus-stack's createNamespace, two releases' createNamespace, a Namespace object for
  // kube-system, the engine's release and the Kafka Namespace object).
  it.each<[Partial<Choice>, string]>([
    [{ monitoring: 'kafka' }, 'monitoring.namespace: "kafka" is also kafka.namespace'],
    [
      { monitoring: 'kafka', installKubePrometheusStack: false },
      'monitoring.namespace: "kafka" is also kafka.namespace',
    ],
    [
      { monitoring: 'strimzi' },
      'monitoring.namespace: "strimzi" is also operators.strimziNamespace',
    ],
    [
      { monitoring: 'cert-manager' },
      `monitoring.namespace: "cert-manager" is also the cert-manager release's namespace`,
    ],
    [
      { kafka: 'cert-manager' },
      `kafka.namespace: "cert-manager" is also the cert-manager release's namespace`,
    ],
    [
      { strimzi: 'cert-manager' },
      `operators.strimziNamespace: "cert-manager" is also the cert-manager release's namespace`,
    ],
    [
      { kafka: 'kube-system' },
      'kafka.namespace: "kube-system" is a namespace Kubernetes makes itself',
    ],
    [
      { drainCleaner: 'default' },
      'drainCleaner.namespace: "default" is a namespace Kubernetes makes itself',
    ],
    [{ gitops: 'kafka' }, 'gitops.namespace: "kafka" is also kafka.namespace'],
    [
      { gitops: 'strimzi', engine: 'argocd', repository: false },
      'gitops.namespace: "strimzi" is also operators.strimziNamespace',
    ],
    [{ gitops: 'monitoring' }, 'gitops.namespace: "monitoring" is also monitoring.namespace'],
  ])('refuses %j naming the field', (change, message) => {
    const loaded = load({ ...defaults, ...change });
    expect(Array.isArray(loaded)).toBe(true);
    expect((loaded as string[]).some(line => line.startsWith(message))).toBe(true);
    expect((loaded as string[]).join('\n')).toMatch(/namespace of its own/);
  });

  it.each<[Partial<Choice>]>([
    [{}],
    [{ engine: 'none' }],
    [{ engine: 'argocd', gitops: 'argocd', repository: false }],
    // Releases and your own installs may go to a Kubernetes namespace: they create nothing there.
    [{ monitoring: 'kube-system', installKubePrometheusStack: false }],
    [{ gitops: 'kube-system' }],
    [{ strimzi: 'kube-system' }],
  ])('accepts %j with one creator per namespace', change => {
    const loaded = load({ ...defaults, ...change });
    expect(Array.isArray(loaded) ? loaded : twoCreators(loaded)).toEqual([]);
  });
});
