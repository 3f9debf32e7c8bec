import { Testing } from 'cdk8s';
import type { JsonObject } from '../../charts/checks/objects';
import { OperatorsChart } from '../../charts/operators-chart';
import { CHART_PINS } from '../../charts/operators/versions';
import { components } from '../../charts/registry';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function synth(overrides: Parameters<typeof specInput>[2]): JsonObject[] {
  const { spec, plan } = parseSpec(specInput(3, 2, overrides));
  return Testing.synth(
    new OperatorsChart(Testing.app(), 'operators', { spec, plan }),
  ) as JsonObject[];
}

describe('OperatorsChart', () => {
  test('matches the snapshot (flux and argocd)', () => {
    expect(synth({ gitops: { engine: 'flux' } })).toMatchSnapshot();
    expect(synth({ gitops: { engine: 'argocd' } })).toMatchSnapshot();
  });

  test('every chart version is an exact pin', () => {
    for (const pin of CHART_PINS) expect(pin.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  test('flux: Strimzi 1.2.0 runs operands restricted and watches the Kafka namespace', () => {
    const strimzi = synth({ gitops: { engine: 'flux' } }).find(
      o => o.kind === 'HelmRelease' && o.metadata?.name === 'strimzi-kafka-operator',
    );
    expect(strimzi?.spec).toMatchObject({
      chart: { spec: { chart: 'strimzi-kafka-operator', version: '1.2.0' } },
      values: {
        watchNamespaces: ['kafka'],
        extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
      },
    });
  });

  test('argocd: the load balancer controller runs 2+ replicas', () => {
    const lbc = synth({
      gitops: { engine: 'argocd' },
      operators: { loadBalancerControllerReplicas: 3 },
    }).find(o => o.metadata?.name === 'aws-load-balancer-controller');
    expect(lbc?.kind).toBe('Application');
    expect(lbc?.metadata?.namespace).toBe('argocd');
    expect(lbc?.spec).toMatchObject({ source: { helm: { valuesObject: { replicaCount: 3 } } } });
  });

  test('kube-prometheus-stack only when asked for', () => {
    const names = (installKubePrometheusStack: boolean): unknown[] =>
      synth({ gitops: { engine: 'flux' }, monitoring: { installKubePrometheusStack } })
        .filter(o => o.kind === 'HelmRelease')
        .map(o => o.metadata?.name);
    expect(names(false)).not.toContain('kube-prometheus-stack');
    expect(names(true)).toContain('kube-prometheus-stack');
  });

  test.each(['none', 'flux', 'argocd'] as const)(
    '%s: emits the Kafka namespace with restricted pod security and NLB readiness gates and, with a GitOps engine, every platform namespace; never pruned by the engine',
    engine => {
      const namespaces = synth({
        gitops: { engine },
        autoscaling: { mode: 'controller' },
        descheduler: { enabled: true },
      }).filter(o => o.kind === 'Namespace');
      const neverPrune = {
        none: undefined,
        flux: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
        argocd: { 'argocd.argoproj.io/sync-options': 'Prune=false' },
      }[engine];
      const annotations = neverPrune === undefined ? {} : { annotations: neverPrune };
      const restricted = {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      };
      expect(namespaces.map(o => o.metadata)).toEqual([
        {
          name: 'kafka',
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled',
          },
          ...annotations,
        },
        // With gitops.engine none each component emits its own (Pulumi applies it with them).
        ...(engine === 'none'
          ? []
          : ['strimzi-drain-cleaner', 'kafka-descheduler', 'kafka-autoscaler'].map(name => ({
              name,
              labels: restricted,
              ...annotations,
            }))),
      ]);
    },
  );

  test('engine none emits only the namespaces (Pulumi installs the releases)', () => {
    const entry = components.find(component => component.name === 'operators');
    const chart = entry?.build(Testing.app(), parseSpec(specInput(3, 2)));
    expect(chart).toBeDefined();
    const objects = Testing.synth(chart as OperatorsChart) as JsonObject[];
    expect(objects.map(o => o.kind)).toEqual(['Namespace']);
  });

  test('operators are deployed before Kafka (the CRDs come with them)', () => {
    const names = components.map(component => component.name);
    expect(names.indexOf('operators')).toBeLessThan(names.indexOf('kafka'));
  });
});
