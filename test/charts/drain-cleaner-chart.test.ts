import { Testing } from 'cdk8s';
import { DrainCleanerChart } from '../../charts/drain-cleaner-chart';
import type { JsonObject } from '../../charts/checks/objects';
import { grantsFor } from '../../charts/checks/rbac';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function synth(overrides: Parameters<typeof specInput>[2] = {}): JsonObject[] {
  const { spec } = parseSpec(specInput(3, 2, overrides));
  return Testing.synth(
    new DrainCleanerChart(Testing.app(), 'drain-cleaner', { spec }),
  ) as JsonObject[];
}

function findAll(objects: JsonObject[], kind: string): JsonObject[] {
  return objects.filter(object => object.kind === kind);
}

type Container = { env: Array<{ name: string; value?: string }> };

function env(objects: JsonObject[]): Record<string, string | undefined> {
  const [deployment] = findAll(objects, 'Deployment');
  const containers = (deployment?.spec as { template: { spec: { containers: Container[] } } })
    .template.spec.containers;
  return Object.fromEntries((containers[0]?.env ?? []).map(entry => [entry.name, entry.value]));
}

describe('DrainCleanerChart', () => {
  test('matches the snapshot', () => {
    expect(synth()).toMatchSnapshot();
  });

  test.each([
    ['deny', 'true'],
    ['legacy', 'false'],
  ] as const)('mode %s sets STRIMZI_DENY_EVICTION=%s', (mode, value) => {
    expect(env(synth({ drainCleaner: { mode } })).STRIMZI_DENY_EVICTION).toBe(value);
  });

  test('watches only the Kafka namespace and its certificate', () => {
    const variables = env(synth({ kafka: { ...specInput(3, 2).kafka, namespace: 'streaming' } }));
    expect(variables.STRIMZI_DRAIN_NAMESPACES).toBe('streaming');
    expect(variables.STRIMZI_CERTIFICATE_WATCH_ENABLED).toBe('true');
    expect(variables.STRIMZI_DRAIN_KAFKA).toBe('true');
  });

  test('runs 2+ replicas spread over zones, with a PDB', () => {
    const objects = synth({ drainCleaner: { replicas: 3 } });
    const [deployment] = findAll(objects, 'Deployment');
    const spec = deployment?.spec as {
      replicas: number;
      template: { spec: { topologySpreadConstraints: Array<Record<string, unknown>> } };
    };
    expect(spec.replicas).toBe(3);
    expect(spec.template.spec.topologySpreadConstraints).toContainEqual(
      expect.objectContaining({
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
        nodeTaintsPolicy: 'Honor',
      }),
    );
    // Two replicas on one node would let a single drain remove the whole webhook.
    expect(spec.template.spec.topologySpreadConstraints).toContainEqual(
      expect.objectContaining({
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: 'DoNotSchedule',
        nodeTaintsPolicy: 'Honor',
      }),
    );
    expect(findAll(objects, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('its PDB keeps one Ready replica but lets unhealthy ones be evicted', () => {
    const [pdb] = findAll(synth(), 'PodDisruptionBudget');
    // Without AlwaysAllow, two crash-looping replicas would block every drain of their nodes.
    expect(pdb?.spec).toMatchObject({ minAvailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('rolls out surge-first: a new replica is up before an old one goes', () => {
    const [deployment] = findAll(synth(), 'Deployment');
    expect((deployment?.spec as { strategy?: unknown }).strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  test('the webhook covers pod evictions in the Kafka namespace with an injected CA', () => {
    const [webhookConfig] = findAll(synth(), 'ValidatingWebhookConfiguration');
    const annotations = webhookConfig?.metadata?.annotations as Record<string, string>;
    expect(annotations['cert-manager.io/inject-ca-from']).toBe(
      'strimzi-drain-cleaner/strimzi-drain-cleaner',
    );
    const [webhook] = (webhookConfig as { webhooks: Array<Record<string, unknown>> }).webhooks;
    expect(webhook).toMatchObject({
      rules: [expect.objectContaining({ resources: ['pods/eviction'], operations: ['CREATE'] })],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kafka' } },
      clientConfig: { service: { name: 'strimzi-drain-cleaner', path: '/drainer', port: 443 } },
    });
  });

  test('certificates are long-lived, renewed early, and chained to a CA', () => {
    const certificates = findAll(synth(), 'Certificate').map(
      c => c.spec as Record<string, unknown>,
    );
    const ca = certificates.find(c => c.isCA === true);
    const serving = certificates.find(c => c.isCA === undefined);
    expect(ca?.duration).toBe(`${3650 * 24}h`);
    expect(serving).toMatchObject({
      secretName: 'strimzi-drain-cleaner',
      dnsNames: expect.arrayContaining(['strimzi-drain-cleaner.strimzi-drain-cleaner.svc']),
      issuerRef: expect.objectContaining({ name: 'strimzi-drain-cleaner-ca' }),
    });
    expect(parseInt(String(serving?.renewBefore), 10)).toBeGreaterThanOrEqual(24 * 14);
  });

  test('may read and annotate pods only in the Kafka namespace', () => {
    const grants = grantsFor(synth(), {
      name: 'strimzi-drain-cleaner',
      namespace: 'strimzi-drain-cleaner',
    });
    expect(grants).toEqual([
      'kafka /pods get',
      'kafka /pods patch',
      'strimzi-drain-cleaner /pods delete',
      'strimzi-drain-cleaner /secrets[strimzi-drain-cleaner] get',
      'strimzi-drain-cleaner /secrets[strimzi-drain-cleaner] list',
      'strimzi-drain-cleaner /secrets[strimzi-drain-cleaner] watch',
    ]);
  });
});

describe('the serving certificate common name (cert-manager: at most 64 bytes)', () => {
  // https://github.com/cryostatio/cryostat-operator/issues/964: cert-manager's webhook refuses a
  // Certificate whose spec.commonName is over 64 bytes.
  function certificateOf(namespace: string): Record<string, unknown> | undefined {
    const certificates = findAll(synth({ drainCleaner: { namespace } }), 'Certificate');
    return certificates.find(c => (c.metadata as { name: string }).name === 'strimzi-drain-cleaner')
      ?.spec as Record<string, unknown> | undefined;
  }

  it('keeps <service>.<namespace>.svc up to a 38-character namespace and drops it above', () => {
    const fits = `n${'x'.repeat(36)}n`;
    const over = `n${'x'.repeat(37)}n`;
    expect(certificateOf(fits)?.commonName).toBe(`strimzi-drain-cleaner.${fits}.svc`);
    expect(certificateOf(over)).not.toHaveProperty('commonName');
    // The DNS names the API server checks stay in both.
    expect(certificateOf(over)?.dnsNames).toEqual([
      `strimzi-drain-cleaner.${over}.svc`,
      `strimzi-drain-cleaner.${over}.svc.cluster.local`,
    ]);
  });
});
