import { STRIMZI_OPERATOR_CHART } from '../../charts/operators/versions';
import type { KubeObject } from './kube-api';
import { allSpecs } from './specs';
import {
  firstNodeId,
  listenerPortName,
  restrictedContainerContext,
  strimziPods,
  strimziServiceAccounts,
} from './strimzi-pods';
import { synthObjects } from './synth-objects';

interface Container {
  name: string;
  image: string;
  ports?: Array<{ name: string; containerPort: number }>;
  securityContext: Record<string, unknown>;
  resources?: unknown;
}

interface PodSpec {
  securityContext?: Record<string, unknown>;
  priorityClassName?: string;
  serviceAccountName: string;
  initContainers?: Container[];
  containers: Container[];
  volumes: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
  affinity?: { podAntiAffinity?: unknown };
}

const images = { strimziVersion: STRIMZI_OPERATOR_CHART.version };

function podsOf(index: number): { objects: KubeObject[]; pods: KubeObject[] } {
  const spec = allSpecs()[index];
  if (spec === undefined) throw new Error(`no spec ${index}`);
  const objects = synthObjects(spec.loaded).map(placed => placed.object);
  return { objects, pods: strimziPods(objects, images) };
}

describe('the pods Strimzi creates from our node pools (rendered for the scanners)', () => {
  const { objects, pods } = podsOf(1); // stacks/prod.yaml: 3 zones, rack awareness, metrics

  test('one pod per pool, named <cluster>-<pool>-<first node ID>', () => {
    const expected = objects
      .filter(o => o.kind === 'KafkaNodePool')
      .map(pool => {
        const labels = pool.metadata?.labels as Record<string, string>;
        const annotations = pool.metadata?.annotations as Record<string, string>;
        const first = firstNodeId(annotations['strimzi.io/next-node-ids']);
        return `${labels['strimzi.io/cluster']}-${String(pool.metadata?.name)}-${first}`;
      });
    expect(pods.map(p => p.metadata?.name)).toEqual(expected);
    expect(expected).toContain('orders-controllers-0');
  });

  test("kafka-init carries the restricted provider's context; the pod fsGroup 0", () => {
    for (const pod of pods) {
      const spec = pod.spec as PodSpec;
      expect(spec.securityContext).toEqual({ fsGroup: 0 });
      for (const container of spec.initContainers ?? []) {
        expect(container.securityContext).toEqual(restrictedContainerContext());
        expect(container.securityContext).not.toHaveProperty('readOnlyRootFilesystem');
      }
    }
  });

  test("kafka: the pool's own context replaces the provider's: restricted plus a read-only root", () => {
    for (const pod of pods) {
      const kafka = (pod.spec as PodSpec).containers.find(c => c.name === 'kafka');
      expect(kafka?.securityContext).toEqual({
        ...restrictedContainerContext(),
        readOnlyRootFilesystem: true,
      });
    }
  });

  test('a template field the rendering ignores is named, not dropped', () => {
    const pool = objects.find(o => o.kind === 'KafkaNodePool');
    if (pool === undefined) throw new Error('no pool');
    const poolSpec = pool.spec as { template: { pod: Record<string, unknown> } };
    const changed: KubeObject = {
      ...pool,
      spec: {
        ...poolSpec,
        template: { ...poolSpec.template, pod: { ...poolSpec.template.pod, hostAliases: [] } },
      },
    };
    expect(() => strimziPods([...objects.filter(o => o !== pool), changed], images)).toThrow(
      /spec\.template\.pod: hostAliases not rendered/,
    );
  });

  test("a context the pool supplies replaces the provider's whole, not field by field", () => {
    const pool = objects.find(
      o => o.kind === 'KafkaNodePool' && o.metadata?.name === 'controllers',
    );
    if (pool === undefined) throw new Error('no controller pool');
    const supplied = { runAsNonRoot: true };
    const changed: KubeObject = {
      ...pool,
      spec: {
        ...(pool.spec as Record<string, unknown>),
        template: { kafkaContainer: { securityContext: supplied }, pod: { securityContext: {} } },
      },
    };
    const others = objects.filter(o => o !== pool);
    const [pod] = strimziPods([...others, changed], images).filter(
      p => p.metadata?.name?.includes('controllers') === true,
    );
    const spec = pod?.spec as PodSpec;
    expect(spec.containers[0]?.securityContext).toEqual(supplied);
    expect(spec.securityContext).toEqual({});
  });

  test('controllers: control-plane port, priority class, no init container', () => {
    const controller = pods.find(p => p.metadata?.name?.includes('controllers'));
    const spec = controller?.spec as PodSpec;
    expect(spec.priorityClassName).toBe('system-cluster-critical');
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers[0]?.ports?.map(p => p.name)).toEqual([
      'tcp-kafkaagent',
      'tcp-ctrlplane',
      'tcp-prometheus',
    ]);
  });

  test('brokers: replication and listener ports, the rack init container, the PVC per volume', () => {
    const broker = pods.find(p => p.metadata?.name?.includes('brokers'));
    const spec = broker?.spec as PodSpec;
    expect(spec.priorityClassName).toBeUndefined();
    expect(spec.containers[0]?.image).toBe(
      `quay.io/strimzi/kafka:${STRIMZI_OPERATOR_CHART.version}-kafka-4.3.1`,
    );
    expect(spec.containers[0]?.ports?.map(p => p.name)).toEqual(
      expect.arrayContaining(['tcp-replication', listenerPortName('tls'), 'tcp-external']),
    );
    expect(spec.initContainers?.map(c => c.name)).toEqual(['kafka-init']);
    expect(spec.affinity?.podAntiAffinity).toBeDefined();
    expect(spec.volumes.find(v => v.name === 'data-0')?.persistentVolumeClaim?.claimName).toBe(
      `data-0-${String(broker?.metadata?.name)}`,
    );
    expect(spec.containers[0]?.resources).toEqual(
      (
        objects.find(o => o.kind === 'KafkaNodePool' && o.metadata?.name === 'brokers-a')?.spec as {
          resources: unknown;
        }
      ).resources,
    );
  });

  test('the pods name the ServiceAccount the operator creates', () => {
    const accounts = strimziServiceAccounts(objects).map(a => a.metadata?.name);
    for (const pod of pods) expect(accounts).toContain((pod.spec as PodSpec).serviceAccountName);
  });

  test('listener port names follow Strimzi', () => {
    expect(listenerPortName('plain')).toBe('tcp-clients');
    expect(listenerPortName('tls')).toBe('tcp-clientstls');
    expect(listenerPortName('external')).toBe('tcp-external');
    expect(firstNodeId('[2000-2999]')).toBe(2000);
    expect(firstNodeId(undefined)).toBe(0);
  });

  test('a pool naming a Kafka that is not there is an error', () => {
    const pool = objects.find(o => o.kind === 'KafkaNodePool') as KubeObject;
    expect(() => strimziPods([pool], images)).toThrow(/no Kafka orders in its namespace/);
  });
});
