import {
  assembleObservation,
  instanceIdOf,
  kubernetesViewAtMs,
  observeBroker,
  observeNode,
} from '../../controller/observe';
import { OPERATION_ANNOTATION } from '../../controller/operation-record';
import { testConfig } from './fixtures';

const config = testConfig();

describe('observe', () => {
  test('reads the instance ID from the provider ID', () => {
    expect(instanceIdOf('aws:///us-east-1a/i-0abc123')).toBe('i-0abc123');
    expect(instanceIdOf('gce://x/y')).toBeUndefined();
    // The other forms the AWS cloud provider accepts (issue #10 review: a node whose providerID
    // did not parse made its instance look node-less).
    expect(instanceIdOf('aws:////i-0abc123')).toBe('i-0abc123');
    expect(instanceIdOf('i-0abc123')).toBe('i-0abc123');
    expect(instanceIdOf('aws://us-east-1a/i-0abc123')).toBeUndefined();
    expect(instanceIdOf(undefined)).toBeUndefined();
  });

  test('an unreadable operation annotation becomes an abandoned record (hold, not ignore)', () => {
    const node = observeNode({
      metadata: { name: 'n', uid: 'u', annotations: { [OPERATION_ANNOTATION]: '{oops' } },
    });
    expect(node.operation?.phase).toBe('abandoned');
  });

  test('maps pods by pool to zones and reads readiness, rolls and deletions', () => {
    const observed = assembleObservation(
      {
        nowMs: 1,
        nodes: [],
        pods: [
          {
            metadata: {
              name: 'orders-brokers-b-2000',
              uid: 'p',
              labels: { 'strimzi.io/pool-name': 'brokers-b' },
              annotations: { 'strimzi.io/manual-rolling-update': 'true' },
            },
            spec: { nodeName: 'n1' },
            status: { conditions: [{ type: 'Ready', status: 'True' }] },
          },
          { metadata: { name: 'other', labels: { 'strimzi.io/pool-name': 'controllers' } } },
        ],
        kafka: { status: { conditions: [{ type: 'Ready', status: 'False' }] } },
        kubernetesSyncedAtMs: 1,
        prometheus: undefined,
        autoscaling: undefined,
      },
      config,
    );
    expect(observed.brokers).toEqual([
      {
        podName: 'orders-brokers-b-2000',
        uid: 'p',
        zone: 'us-east-1b',
        nodeName: 'n1',
        ready: true,
        rollRequested: true,
        terminating: false,
      },
    ]);
    expect(observed.kafkaReady).toBe(false);
    expect(observed.loads).toBeUndefined();
  });

  test('reads when a broker pod last changed readiness', () => {
    const pod = {
      metadata: { name: 'b', labels: { 'strimzi.io/pool-name': 'brokers-a' } },
      status: {
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-05T12:00:00Z' }],
      },
    };
    expect(observeBroker(pod, config)?.readySinceMs).toBe(Date.UTC(2026, 0, 5, 12));
    expect(observeBroker({ ...pod, status: {} }, config)?.readySinceMs).toBeUndefined();
  });

  test('the Kubernetes view counts only after both informers listed since start', () => {
    const listed = { lists: 1, syncedAtMs: 500 };
    expect(kubernetesViewAtMs(listed, { lists: 0, syncedAtMs: undefined })).toBeUndefined();
    expect(kubernetesViewAtMs({ lists: 0, syncedAtMs: undefined }, listed)).toBeUndefined();
    expect(kubernetesViewAtMs(listed, { lists: 3, syncedAtMs: 400 })).toBe(400);
  });
});
