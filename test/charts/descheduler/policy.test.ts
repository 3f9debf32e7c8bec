import {
  deschedulerPolicyProblems,
  evictionVerdict,
  type FixturePod,
} from '../../../charts/checks/descheduler';
import { brokerSpreadPolicy, type DeschedulerPolicy } from '../../../charts/descheduler/policy';

const policy = brokerSpreadPolicy({
  clusterName: 'orders',
  kafkaNamespace: 'kafka',
  minPodAge: '10m',
});
const strimziVolumes: FixturePod['volumes'] = ['emptyDir', 'persistentVolumeClaim', 'secret'];
const kafkaPod = { [`strimzi.io/cluster`]: 'orders', 'strimzi.io/kind': 'Kafka' };
const hour = 3600;

const fixtures: FixturePod[] = [
  {
    name: 'orders-brokers-a-1000',
    namespace: 'kafka',
    labels: { ...kafkaPod, 'strimzi.io/broker-role': 'true', 'strimzi.io/pool-name': 'brokers-a' },
    ownerKinds: ['StrimziPodSet'],
    volumes: strimziVolumes,
    ageSeconds: hour,
  },
  {
    name: 'orders-brokers-b-2000 (just moved)',
    namespace: 'kafka',
    labels: { ...kafkaPod, 'strimzi.io/broker-role': 'true', 'strimzi.io/pool-name': 'brokers-b' },
    ownerKinds: ['StrimziPodSet'],
    volumes: strimziVolumes,
    ageSeconds: 120,
  },
  {
    name: 'orders-controllers-0',
    namespace: 'kafka',
    labels: {
      ...kafkaPod,
      'strimzi.io/broker-role': 'false',
      'strimzi.io/controller-role': 'true',
    },
    ownerKinds: ['StrimziPodSet'],
    volumes: strimziVolumes,
    ageSeconds: hour,
  },
  {
    name: 'other-brokers-a-1000 (another cluster)',
    namespace: 'kafka',
    labels: {
      'strimzi.io/cluster': 'other',
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/broker-role': 'true',
    },
    ownerKinds: ['StrimziPodSet'],
    volumes: strimziVolumes,
    ageSeconds: hour,
  },
  {
    name: 'orders-entity-operator',
    namespace: 'kafka',
    labels: {
      'strimzi.io/cluster': 'orders',
      'strimzi.io/kind': 'Kafka',
      'strimzi.io/name': 'orders-entity-operator',
    },
    ownerKinds: ['ReplicaSet'],
    volumes: ['emptyDir'],
    ageSeconds: hour,
  },
  {
    name: 'strimzi-cluster-operator',
    namespace: 'strimzi',
    labels: { 'strimzi.io/kind': 'cluster-operator' },
    ownerKinds: ['ReplicaSet'],
    volumes: ['emptyDir', 'projected'],
    ageSeconds: hour,
  },
  {
    name: 'strimzi-drain-cleaner',
    namespace: 'strimzi-drain-cleaner',
    labels: { app: 'strimzi-drain-cleaner' },
    ownerKinds: ['ReplicaSet'],
    volumes: ['secret', 'emptyDir'],
    priorityClassName: 'system-cluster-critical',
    ageSeconds: hour,
  },
  {
    name: 'web-frontend (stateless app)',
    namespace: 'shop',
    labels: { app: 'web' },
    ownerKinds: ['ReplicaSet'],
    volumes: ['configMap'],
    ageSeconds: hour,
  },
  {
    name: 'aws-node (daemonset)',
    namespace: 'kube-system',
    labels: { 'k8s-app': 'aws-node' },
    ownerKinds: ['DaemonSet'],
    volumes: ['hostPath'],
    ageSeconds: hour,
  },
  {
    name: 'debug (bare pod in kafka namespace)',
    namespace: 'kafka',
    labels: { ...kafkaPod, 'strimzi.io/broker-role': 'true' },
    ownerKinds: [],
    volumes: [],
    ageSeconds: hour,
  },
];

function verdicts(of: DeschedulerPolicy): Record<string, string> {
  return Object.fromEntries(
    fixtures.map(pod => {
      const verdict = evictionVerdict(of, pod);
      return [pod.name, verdict.evictable ? 'EVICTABLE' : verdict.reason];
    }),
  );
}

describe('descheduler policy against fixture pods', () => {
  test('only settled brokers of this cluster are evictable; everything else is protected', () => {
    expect(verdicts(policy)).toEqual({
      'orders-brokers-a-1000': 'EVICTABLE',
      'orders-brokers-b-2000 (just moved)': 'younger than minPodAge 10m',
      'orders-controllers-0': 'not selected by the spread plugin',
      'other-brokers-a-1000 (another cluster)': 'not selected by the spread plugin',
      'orders-entity-operator': 'not selected by the spread plugin',
      'strimzi-cluster-operator': 'outside the spread plugin namespaces',
      'strimzi-drain-cleaner': 'outside the spread plugin namespaces',
      'web-frontend (stateless app)': 'outside the spread plugin namespaces',
      'aws-node (daemonset)': 'outside the spread plugin namespaces',
      'debug (bare pod in kafka namespace)': 'a bare pod (no owner recreates it)',
    });
  });

  test('without lifting the local-storage protection, no broker is ever evictable', () => {
    const [profile] = policy.profiles;
    if (profile === undefined) throw new Error('no profile');
    const withDefaults: DeschedulerPolicy = {
      ...policy,
      profiles: [
        {
          ...profile,
          pluginConfig: profile.pluginConfig.map(entry =>
            entry.name === 'DefaultEvictor'
              ? { name: 'DefaultEvictor', args: { ...entry.args, podProtections: {} } }
              : entry,
          ),
        },
      ],
    };
    expect(verdicts(withDefaults)['orders-brokers-a-1000']).toBe(
      'protected: local storage (emptyDir or hostPath)',
    );
  });

  test('throws when the policy evicts local-storage pods everywhere (negative)', () => {
    const careless: DeschedulerPolicy = {
      apiVersion: 'descheduler/v1alpha2',
      kind: 'DeschedulerPolicy',
      profiles: [
        {
          name: 'everything',
          pluginConfig: [
            { name: 'DefaultEvictor', args: { evictLocalStoragePods: true } },
            { name: 'RemovePodsViolatingTopologySpreadConstraint', args: {} },
          ],
          plugins: { balance: { enabled: ['RemovePodsViolatingTopologySpreadConstraint'] } },
        },
      ],
    };
    const evictable = Object.entries(verdicts(careless)).filter(([, v]) => v === 'EVICTABLE');
    expect(evictable.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'orders-controllers-0',
        'strimzi-cluster-operator',
        'web-frontend (stateless app)',
      ]),
    );
    const problems = deschedulerPolicyProblems(careless, {
      kafkaNamespace: 'kafka',
      clusterName: 'orders',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('maxNoOfPodsToEvictTotal'),
        expect.stringContaining('namespaces.include'),
        expect.stringContaining('labelSelector does not pin'),
        expect.stringContaining('deprecated evictLocalStoragePods'),
      ]),
    );
  });

  test('the generated policy passes the structural checks', () => {
    expect(
      deschedulerPolicyProblems(policy, { kafkaNamespace: 'kafka', clusterName: 'orders' }),
    ).toEqual([]);
  });
});
