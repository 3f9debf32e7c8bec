/**
 * A zone above its level whose every node is excluded from removal (`scaleInVictim`: a pod of a
 * broker pool outside the configuration on it, another Node object naming its instance, its
 * instance not InService) removed nothing, rightly, but reported `at-target`: "every zone runs at
 * its balanced level", while it ran more nodes than its level and an operator could fix it. The
 * property excludes each node of zone a by any of those causes and checks that the controller
 * holds with `no-removable-node`, naming every node and its cause and the way out, and never
 * cordons zone a's nodes.
 */
import fc from 'fast-check';
import type { ControllerConfig } from '../../controller/config';
import type { Observed } from '../../controller/model';
import { FakeCluster } from './fake-cluster';
import { reconcilerOn } from './fake-reconciler';
import { testConfig } from './fixtures';

type Exclusion = 'other-pool' | 'twin' | 'standby';

const NODES = ['node-a-0', 'node-a-1'] as const;

/** Two nodes a zone under low demand (level 1), zone a's brokers all on node-a-0. */
function cluster(): { config: ControllerConfig; cluster: FakeCluster } {
  const config = { ...testConfig(), operationPhaseTimeoutSeconds: 600 };
  const fake = new FakeCluster(config, { nodesPerZone: 2, demandMiBps: 10 });
  fake.brokers = fake.brokers.map(broker =>
    broker.zone === 'us-east-1a' ? { ...broker, nodeName: 'node-a-0' } : broker,
  );
  return { config, cluster: fake };
}

/** The observation with each node of zone a excluded by its cause. */
function excluded(observed: Observed, causes: readonly Exclusion[]): Observed {
  let result = observed;
  causes.forEach((cause, index) => {
    const name = NODES[index];
    const node = result.nodes.find(each => each.name === name);
    if (node === undefined) return;
    if (cause === 'other-pool') {
      result = {
        ...result,
        otherBrokerPods: [
          ...(result.otherBrokerPods ?? []),
          { podName: `orders-brokers-x-${9000 + index}`, nodeName: name },
        ],
      };
    } else if (cause === 'twin') {
      const twin = { ...node, name: `${name}-old`, uid: `twin-${index}`, ready: false };
      result = { ...result, nodes: [...result.nodes, twin] };
    } else {
      result = {
        ...result,
        groups: result.groups.map(group => ({
          ...group,
          instances: group.instances.map(instance =>
            instance.instanceId === node.instanceId
              ? { ...instance, lifecycleState: 'Standby' }
              : instance,
          ),
        })),
      };
    }
  });
  return result;
}

const CAUSE_TEXT: Record<Exclusion, RegExp> = {
  'other-pool': /hosts orders-brokers-x-\d+, of a broker pool outside the configuration/,
  twin: /is also named by Node node-a-\d-old/,
  standby: /is Standby, not InService/,
};

describe('a zone whose every node is excluded from removal', () => {
  test('property: holds with no-removable-node naming each node and its cause, never at-target', async () => {
    const exclusion = fc.constantFrom<Exclusion>('other-pool', 'twin', 'standby');
    await fc.assert(
      fc.asyncProperty(fc.tuple(exclusion, exclusion), async causes => {
        const { config, cluster: fake } = cluster();
        const reconciler = reconcilerOn(fake, config, {
          observe: async () => excluded(await fake.observe(), causes),
        });
        let last = { reason: '', detail: '' };
        for (let pass = 0; pass < 120; pass++) {
          const { plan } = await reconciler.reconcileOnce();
          last = { reason: plan.reason, detail: plan.detail };
          fake.advance(30);
        }
        // Zones b and c went down to one node; zone a cannot, and says why.
        expect(fake.writes.filter(write => /^cordon node-a-/.test(write))).toEqual([]);
        expect(last.reason).toBe('no-removable-node');
        expect(last.detail).toMatch(/^zone us-east-1a could run 1 nodes, but none of its 2 nodes/);
        causes.forEach((cause, index) => {
          expect(last.detail).toContain(NODES[index]);
          expect(last.detail).toMatch(CAUSE_TEXT[cause]);
        });
        expect(last.detail).toMatch(/way out: .*resumes by itself/);
      }),
      { numRuns: 9 },
    );
  });

  test('one excluded node of two: the other is removed, no hold', async () => {
    const { config, cluster: fake } = cluster();
    const reconciler = reconcilerOn(fake, config, {
      observe: async () => excluded(await fake.observe(), ['standby']),
    });
    for (let pass = 0; pass < 200; pass++) {
      await reconciler.reconcileOnce();
      fake.advance(30);
    }
    expect(fake.terminated).toContain('i-a1');
  });
});
