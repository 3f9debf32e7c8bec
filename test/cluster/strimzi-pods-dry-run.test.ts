/**
 * The pods Strimzi will create from our node pools (strimzi-pods.ts), applied with server-side
 * dry-run to the real API server, in their namespace as synth labels it (Pod Security
 * `restricted` where synth asks for it): the server checks the rendering is a valid Pod, the
 * admission chain resolves the controller pool's priority class to its value, and Pod Security
 * has nothing to warn about.
 */
import { STRIMZI_OPERATOR_CHART } from '../../charts/operators/versions';
import { clusterApi } from './cluster-env';
import { dryRunAll } from './dry-run';
import type { KubeApi } from './kube-api';
import { statusMessage } from './kube-api';
import { exampleSpecs } from './specs';
import { strimziPods, strimziServiceAccounts } from './strimzi-pods';
import { synthObjects } from './synth-objects';

/** The value the API server gives `system-cluster-critical` (scheduling/v1 built-in classes). */
const SYSTEM_CLUSTER_CRITICAL = 2000000000;

let api: KubeApi;
beforeAll(() => {
  api = clusterApi();
});
afterAll(() => api.close());

describe('the rendered Strimzi pods on a real API server', () => {
  it.each(exampleSpecs().map(s => [s.label, s] as const))('%s', async (_label, { loaded }) => {
    const synthesized = synthObjects(loaded);
    const objects = synthesized.map(p => p.object);
    const kafkaNamespace = loaded.spec.kafka.namespace;
    const pods = strimziPods(objects, { strimziVersion: STRIMZI_OPERATOR_CHART.version });
    // The namespace (created for real by dryRunAll, with synth's labels) and the ServiceAccount
    // the operator would create (for real too: admission looks it up) come first.
    const namespace = synthesized.filter(
      p => p.object.kind === 'Namespace' && p.object.metadata?.name === kafkaNamespace,
    );
    expect((await dryRunAll(api, namespace)).rejections).toEqual([]);
    for (const account of strimziServiceAccounts(objects)) {
      const created = await api.apply(account, { dryRun: false });
      expect(`${created.status} ${statusMessage(created.body)}`).toMatch(/^2\d\d /);
    }
    const placed = pods.map(object => ({
      component: 'strimzi-pods',
      object,
      defaultNamespace: kafkaNamespace,
    }));
    const outcome = await dryRunAll(api, placed);
    expect(outcome.rejections).toEqual([]);
    expect(outcome.warnings).toEqual([]);

    for (const pod of pods) {
      const response = await api.apply(pod, { dryRun: true });
      expect(`${pod.metadata?.name}: ${response.status} ${statusMessage(response.body)}`).toMatch(
        /: 2\d\d /,
      );
      const spec = (response.body as { spec: { priorityClassName?: string; priority?: number } })
        .spec;
      if (pod.metadata?.name?.includes('-controllers-') === true) {
        expect(spec).toMatchObject({
          priorityClassName: 'system-cluster-critical',
          priority: SYSTEM_CLUSTER_CRITICAL,
        });
      } else {
        expect(spec.priority ?? 0).toBe(0);
      }
    }
  });

  it('an unknown priority class is refused (the check bites)', async () => {
    const { loaded } = exampleSpecs()[0] ?? { loaded: undefined };
    if (loaded === undefined) throw new Error('no example spec');
    const objects = synthObjects(loaded).map(p => p.object);
    const [pod] = strimziPods(objects, { strimziVersion: STRIMZI_OPERATOR_CHART.version });
    if (pod === undefined) throw new Error('no pod');
    const broken = {
      ...pod,
      spec: { ...(pod.spec as Record<string, unknown>), priorityClassName: 'no-such-class' },
    };
    const response = await api.apply(broken, { dryRun: true });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(statusMessage(response.body)).toMatch(/no-such-class/);
  });
});
