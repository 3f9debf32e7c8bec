/**
 * The admission fence (controller/admission-fence.ts) on the real kube-apiserver: the chart's
 * ValidatingAdmissionPolicy and binding, its RBAC and ServiceAccount applied for real, a real
 * ServiceAccount token (TokenRequest), and the controller's real Kubernetes adapter writing with
 * it. Runs as its own Node process (`tsx`), like adapter-scenarios.ts, since the adapter's client
 * library is an ES module; `admission-fence.test.ts` starts it and reports each scenario as a test.
 *
 * Usage: tsx test/cluster/admission-fence-scenarios.ts <control plane state.json>
 * Prints `RESULTS <json>` (`[{ name, ok, error?, ms, figures? }]`), or `LOAD_ERROR <message>`.
 * Everything it creates is named `fence-it...` and removed at the end, also on failure.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Testing } from 'cdk8s';
import type * as ClientModule from '@kubernetes/client-node';
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { AutoscalerChart, admissionFenceName } from '../../charts/autoscaler-chart';
import type * as AdapterModule from '../../controller/adapters/kubernetes';
import type * as WritersModule from '../../controller/writers';
import {
  admissionFencePolicy,
  FENCE_HOLDER_ANNOTATION,
  FENCE_TOKEN_ANNOTATION,
  serviceAccountUsername,
} from '../../controller/admission-fence';
import { apiFaultOf } from '../../controller/api-fault';
import { controllerConfigFromSpec } from '../../controller/config';
import { decisionConfigMapName, type DecisionRecord } from '../../controller/decision-record';
import { onAdmissionFenceRefusal } from '../../controller/fence';
import { LeaderElector } from '../../controller/leader-election';
import { ControllerMetrics } from '../../controller/metrics';
import type { ObservedNode } from '../../controller/model';
import { CORDON_ANNOTATION } from '../../controller/operation-record';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';
import {
  ADMISSION_FENCE_SCENARIOS,
  type AdmissionFenceScenario,
  type AdmissionFenceResult,
} from './admission-fence-scenario-names';
import type { ControlPlaneInfo } from './control-plane';
import { KubeApi, type KubeObject } from './kube-api';
import { deleteOwnedNodes, ownerLabels } from './shared-plane';

const info = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ControlPlaneInfo;
const api = new KubeApi(info);

const input = specInput(3, 1, { name: 'fence-it', controller: { namespace: 'fence-it' } });
const loaded = parseSpec({ ...input, kafka: { ...input.kafka, namespace: 'fence-it-kafka' } });
const config = controllerConfigFromSpec(loaded);
const OWN_NS = config.leaderElection.namespace;
const KAFKA_NS = config.kafkaNamespace;
const LEASE_PATH = `/apis/coordination.k8s.io/v1/namespaces/${OWN_NS}/leases/${config.leaderElection.leaseName}`;
const POLICY = admissionFenceName(loaded.spec.name);
const NODE = 'fence-it-node';
const POD = 'fence-it-broker-0';
/** Short, so a takeover takes about a second. */
const TIMING = { leaseDurationSeconds: 1, renewDeadlineSeconds: 0.8, retryPeriodSeconds: 0.2 };

let client: typeof ClientModule;
let KubernetesAdapter: typeof AdapterModule.KubernetesAdapter;
let fencedWriters: typeof WritersModule.fencedWriters;
/**
 * Replica A's clocks: frozen from the takeover scenario on (a paused VM whose clocks stood still:
 * by them it still leads), so only the API server can tell it lost the Lease.
 */
let aFrozenAtMs: number | undefined;
const aClock = () => aFrozenAtMs ?? Date.now();
/** The controller's ServiceAccount, as its pods would be (a TokenRequest token). */
let saKubeConfig: KubeConfig;
let electorA: LeaderElector;
let electorB: LeaderElector;
/** Replica A as it is when paused mid-send: every client-side check already passed. */
let pausedA: AdapterModule.KubernetesAdapter;
let adapterB: AdapterModule.KubernetesAdapter;
const figures: Record<string, number | string> = {};
/** Errors the electors met (a Lease write refused would show here). */
const electionErrors: string[] = [];

const sleep = (ms: number) => new Promise(done => setTimeout(done, ms));
const passes = () => undefined;

/** Repeats `attempt` until it resolves; answers the ms it took. */
async function eventuallyAccepted(what: string, attempt: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < 15_000) {
    try {
      await attempt();
      return Date.now() - started;
    } catch (error) {
      last = error;
      await sleep(20);
    }
  }
  throw new Error(`${what}: still refused after 15 s: ${describe(last)}`);
}

function describe(error: unknown): string {
  const fault = apiFaultOf(error);
  const body = (error as { body?: unknown }).body;
  return `HTTP ${fault.status ?? '?'} ${typeof body === 'string' ? body : String(error)}`;
}

/** Asserts `action` is refused by the admission fence (403, the policy's own message). */
/**
 * Asserts `action` is refused by the admission fence's policy: 403 (the policy's `Forbidden`) with
 * a message matching `message`, never an expression error. `status` 422: the API server's own
 * refusal when the binding's parameter (the Lease) is missing, whose reason the policy cannot set.
 */
async function refusedByFence(
  what: string,
  action: Promise<unknown>,
  message: RegExp = /admission fence: write stamped/,
  status = 403,
) {
  await assert.rejects(action, (thrown: unknown) => {
    // The adapter answers the fence's refusal as its own error (`AdmissionFenceRefusedError`),
    // carrying the API server's answer as `refusal`: judged on that answer.
    const error = fenceRefusal(thrown) ?? thrown;
    const text = describe(error);
    assert.equal(apiFaultOf(error).status, status, `${what}: expected ${status}, got ${text}`);
    assert.match(text, new RegExp(POLICY), `${what}: not refused by ${POLICY}: ${text}`);
    assert.match(text, message, `${what}: ${text}`);
    assert.doesNotMatch(text, /evaluation error|compilation error|no such key/, `${what}: ${text}`);
    return true;
  });
}

/** The API error an `AdmissionFenceRefusedError` carries, or undefined for any other error. */
function fenceRefusal(error: unknown): unknown {
  if (error === null || typeof error !== 'object' || !('fenceName' in error)) return undefined;
  return (error as { refusal?: unknown }).refusal;
}

const getNode = async () => (await api.ok('GET', `/api/v1/nodes/${NODE}`)) as V1Node;

function observed(node: V1Node): ObservedNode {
  return {
    name: NODE,
    uid: node.metadata?.uid ?? '',
    resourceVersion: node.metadata?.resourceVersion ?? '',
    zone: 'us-west-2a',
    ready: true,
    unschedulable: node.spec?.unschedulable === true,
    instanceId: 'i-0fence',
    createdAtMs: 0,
    operation: undefined,
  };
}

const decision = (holder: string): DecisionRecord => ({
  version: 1,
  decidedAtMs: Date.now(),
  holder,
  dryRun: false,
  reason: 'at-target',
  detail: 'at target',
  scaleInStabilizationSeconds: 600,
  zones: [],
});

/**
 * Every kind of write the adapter makes, by `adapter` (node, pod, Event, both ConfigMaps), each
 * one changing something: a write that would change nothing but the stamp is not sent at all
 * (`stampedPatch`). So the node's rollback tally gets a new time, the node is cordoned when it is
 * not and uncordoned when the controller's cordon is on it, and the pod's roll request is first
 * taken away by the admin.
 */
async function everyWrite(
  adapter: AdapterModule.KubernetesAdapter,
): Promise<Array<[string, () => Promise<unknown>]>> {
  await api.ok('PATCH', `/api/v1/namespaces/${KAFKA_NS}/pods/${POD}`, {
    body: { metadata: { annotations: { 'strimzi.io/manual-rolling-update': null } } },
    contentType: 'application/merge-patch+json',
  });
  const node = await getNode();
  const pod = (await api.ok('GET', `/api/v1/namespaces/${KAFKA_NS}/pods/${POD}`)) as {
    metadata: { uid: string };
  };
  const markers = adapter.forecastMarkerStore();
  const tally = { kind: 'remove-node' as const, count: 1, lastAtMs: Date.now(), note: 'fence' };
  const cordoned = node.spec?.unschedulable === true;
  return [
    ['node operation record', () => adapter.writeOperation(observed(node), undefined, tally)],
    [
      cordoned ? 'uncordon' : 'cordon',
      () => adapter.setUnschedulable(NODE, node.metadata?.uid ?? '', !cordoned),
    ],
    ['roll request', () => adapter.requestRoll(POD, pod.metadata.uid)],
    ['Event', () => adapter.record({ type: 'Normal', reason: 'FenceTest', message: 'x' })],
    ['status ConfigMap', () => adapter.writeDecisionRecord(decision('x'))],
    [
      'forecast marker',
      async () => {
        const read = await markers.read();
        const answer = await markers.write(
          { version: 1, zones: { 'us-west-2a': { sufficientAtMs: Date.now() } } },
          read.version,
        );
        assert.equal(answer, 'written');
      },
    ],
  ];
}

const scenarios: Record<AdmissionFenceScenario, () => Promise<void>> = {
  'the rendered policy and binding are accepted, their CEL compiles': async () => {
    const objects = Testing.synth(
      new AutoscalerChart(Testing.app(), 'autoscaler', { loaded }),
    ) as KubeObject[];
    const wanted = new Set([
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'ValidatingAdmissionPolicy',
      'ValidatingAdmissionPolicyBinding',
    ]);
    await api.ok('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: KAFKA_NS } },
    });
    const kinds: string[] = [];
    for (const object of objects.filter(o => wanted.has(String(o.kind)))) {
      const answer = await api.apply(object, { dryRun: false });
      assert.ok(
        answer.status === 200 || answer.status === 201,
        `${String(object.kind)} ${object.metadata?.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`,
      );
      kinds.push(String(object.kind));
    }
    assert.ok(
      kinds.includes('ValidatingAdmissionPolicy') &&
        kinds.includes('ValidatingAdmissionPolicyBinding'),
    );
    // The API server compiles every expression as it accepts the policy (a compile error is a
    // 422 above). The type-checking warnings in `status` come from kube-controller-manager,
    // which this tier does not run: the behaviour below is what is judged.
    // The ServiceAccount's token, as a controller pod gets it.
    const token = (await api.ok(
      'POST',
      `/api/v1/namespaces/${OWN_NS}/serviceaccounts/kafka-autoscaler/token`,
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { expirationSeconds: 3600 },
        },
      },
    )) as { status: { token: string } };
    saKubeConfig = new client.KubeConfig();
    saKubeConfig.loadFromOptions({
      clusters: [
        { name: 'it', server: info.server, caData: Buffer.from(info.caPem).toString('base64') },
      ],
      users: [{ name: 'sa', token: token.status.token }],
      contexts: [{ name: 'it', cluster: 'it', user: 'sa' }],
      currentContext: 'it',
    });
    // The node and the broker pod the writes go to (made by the admin, no stamp).
    await api.ok('POST', '/api/v1/nodes', {
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: NODE, labels: ownerLabels(OWN_NS) },
        spec: {},
      },
    });
    // No kube-controller-manager in this tier: the namespace's default ServiceAccount by hand,
    // and the pod retried until the ServiceAccount admission plugin's cache has it.
    await api.ok('POST', `/api/v1/namespaces/${KAFKA_NS}/serviceaccounts`, {
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
    });
    await eventuallyAccepted('the broker pod', () =>
      api.ok('POST', `/api/v1/namespaces/${KAFKA_NS}/pods`, {
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: POD },
          spec: { containers: [{ name: 'kafka', image: 'kafka:stand-in' }] },
        },
      }),
    );
  },

  'no Lease yet: the controller creates it with its ServiceAccount, then every write of the leader passes':
    async () => {
      electorA = new LeaderElector(
        'replica-a',
        new KubernetesAdapter(config, 'replica-a', passes, saKubeConfig).leaseStore(),
        TIMING,
        aClock,
        error => electionErrors.push(describe(error)),
      );
      const stampA = () => electorA.leadership().fencingToken;
      const adapterA = new KubernetesAdapter(
        config,
        'replica-a',
        passes,
        saKubeConfig,
        undefined,
        stampA,
      );
      // Before the Lease exists the binding has no parameter and lets every request through
      // (`parameterNotFoundAction: Allow`, see the last scenario for why not Deny).
      await adapterA.record({ type: 'Normal', reason: 'FenceTest', message: 'early' });
      // The Lease itself is never matched: the first replica creates it with the ServiceAccount.
      assert.equal(
        await electorA.tryAcquireOrRenew(),
        true,
        `replica-a could not create the Lease: ${electionErrors.join('; ')}`,
      );
      // A status ConfigMap an older controller created: no annotations map to add the stamp to.
      const statusPath = `/api/v1/namespaces/${OWN_NS}/configmaps/${decisionConfigMapName(config.clusterName)}`;
      await api.ok('POST', `/api/v1/namespaces/${OWN_NS}/configmaps`, {
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: decisionConfigMapName(config.clusterName) },
          data: { old: 'x' },
        },
      });
      for (const [what, write] of await everyWrite(adapterA)) {
        await write().catch((error: unknown) => {
          throw new Error(`${what} by the leader was refused: ${describe(error)}`);
        });
      }
      const status = (await api.ok('GET', statusPath)) as {
        metadata: { annotations?: Record<string, string> };
      };
      assert.equal(status.metadata.annotations?.[FENCE_HOLDER_ANNOTATION], 'replica-a');
      const node = await getNode();
      assert.equal(node.metadata?.annotations?.[FENCE_HOLDER_ANNOTATION], 'replica-a');
      assert.equal(node.metadata?.annotations?.[FENCE_TOKEN_ANNOTATION], '0');
      assert.equal(node.spec?.unschedulable, true);
      pausedA = adapterA;
    },

  "a paused leader's writes after a takeover are refused by the API server": async () => {
    // Replica A pauses with every client-side check passed (its fence is open and its stamp the
    // token it held); replica B, same ServiceAccount, takes the Lease over. A's clocks freeze with
    // it (next scenario: by them it still leads).
    assert.equal(await electorA.tryAcquireOrRenew(), true, 'replica-a could not renew');
    aFrozenAtMs = Date.now();
    const stampB = () => electorB.leadership().fencingToken;
    adapterB = new KubernetesAdapter(config, 'replica-b', passes, saKubeConfig, undefined, stampB);
    electorB = new LeaderElector('replica-b', adapterB.leaseStore(), TIMING, Date.now, error =>
      electionErrors.push(describe(error)),
    );
    assert.equal(await electorB.tryAcquireOrRenew(), false);
    await sleep(TIMING.leaseDurationSeconds * 1000 + 200);
    // The Lease write of the new leader is not blocked (no deadlock).
    assert.equal(
      await electorB.tryAcquireOrRenew(),
      true,
      `replica-b could not take the Lease over: ${electionErrors.join('; ')}`,
    );
    assert.equal(electorB.leadership().fencingToken, 1);
    // The policy reads the Lease from the API server's watch cache: until the cache has the new
    // holder, the paused leader's stamp still matches. That delay is the window left open.
    figures.staleWriteRefusedAfterTakeoverMs = await eventuallyRefused(
      "the paused leader's Event",
      () => pausedA.record({ type: 'Normal', reason: 'FenceTest', message: 'a, paused' }),
    );
    figures.newLeaderAcceptedAfterTakeoverMs = await eventuallyAccepted('replica-b writes', () =>
      adapterB.record({ type: 'Normal', reason: 'FenceTest', message: 'b leads' }),
    );
    const before = await getNode();
    for (const [what, write] of await everyWrite(pausedA)) {
      await refusedByFence(`${what} of the paused leader`, write());
    }
    const after = await getNode();
    assert.equal(
      after.metadata?.resourceVersion,
      before.metadata?.resourceVersion,
      'the node changed',
    );
    // Same identity, older token (a predecessor of the same name): refused too.
    const sameNameOldToken = new KubernetesAdapter(
      config,
      'replica-b',
      passes,
      saKubeConfig,
      undefined,
      () => 0,
    );
    await refusedByFence(
      'same identity, old token',
      sameNameOldToken.record({ type: 'Normal', reason: 'FenceTest', message: 'old' }),
    );
    // No stamp at all (a writer that does not stamp): refused, with the policy's message.
    const unstamped = new KubernetesAdapter(config, 'replica-b', passes, saKubeConfig);
    await refusedByFence(
      'an unstamped Event',
      unstamped.record({ type: 'Normal', reason: 'FenceTest', message: 'bare' }),
      /admission fence: write stamped holder=\\?"\\?" token/,
    );
    // And the new leader's every write passes.
    for (const [what, write] of await everyWrite(adapterB)) {
      await write().catch((error: unknown) => {
        throw new Error(`${what} by the new leader was refused: ${describe(error)}`);
      });
    }
    const node = await getNode();
    assert.equal(node.metadata?.annotations?.[FENCE_HOLDER_ANNOTATION], 'replica-b');
    assert.equal(node.metadata?.annotations?.[FENCE_TOKEN_ANNOTATION], '1');
  },

  "a paused leader's refused write is recognised as the fence's, counted on /metrics, and ends its leadership until it reads the Lease":
    async () => {
      // GIVEN replica A wired as main.ts wires it (fencedWriters, onAdmissionFenceRefusal), its
      // clocks frozen since before the takeover: by them it still leads, so its client-side
      // fence lets the write go (no Lease read-back: the pause is after it)
      const metrics = new ControllerMetrics({ defaultMetrics: false });
      const logged: string[] = [];
      const { kubernetes } = fencedWriters(
        config,
        'replica-a',
        () => electorA.leadership(),
        { kubeConfig: saKubeConfig },
        {
          onFenceRefusal: onAdmissionFenceRefusal({
            elector: electorA,
            metrics,
            log: message => logged.push(message),
          }),
        },
      );
      assert.equal(electorA.leadership().leading, true, 'A should believe it leads (frozen)');
      const counted = async () =>
        /^kafka_autoscaler_admission_fence_refusals_total (\d+)$/m.exec(
          await metrics.registry.metrics(),
        )?.[1];
      assert.equal(await counted(), '0');
      // WHEN its Event reaches the real API server, which refuses it by the fence
      const refused = await kubernetes
        .record({ type: 'Normal', reason: 'FenceTest', message: 'a, frozen' })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      // THEN the adapter recognised the API server's own refusal as the fence's
      const fence = refused as { fenceName?: string; refusal?: unknown; message?: string };
      assert.equal(fence.fenceName, POLICY, `not recognised as the fence's: ${String(refused)}`);
      assert.equal(apiFaultOf(fence.refusal).status, 403, describe(fence.refusal));
      assert.match(describe(fence.refusal), new RegExp(`ValidatingAdmissionPolicy '${POLICY}'`));
      // AND counted on /metrics, and logged
      assert.equal(await counted(), '1');
      assert.equal(logged.length, 1);
      // AND A no longer leads, its clocks notwithstanding: its next write is dropped unsent
      assert.equal(electorA.leadership().leading, false);
      await assert.rejects(
        kubernetes.record({ type: 'Normal', reason: 'FenceTest', message: 'a, again' }),
        /lease may have expired; write dropped/,
      );
      assert.equal(await counted(), '1');
      // AND its renewal reads the Lease, finds replica-b, and does not take it back (its attempt
      // is not refused by the policy: a Lease write never is)
      assert.equal(await electorA.tryAcquireOrRenew(), false);
      assert.equal(electorA.leadership().leading, false);
    },

  "a write that would change nothing but the stamp is not sent: someone else's cordon keeps its resourceVersion":
    async () => {
      // GIVEN the node cordoned by someone else (no controller marker), carrying the stamp of
      // the replica that wrote it last before the takeover
      await api.ok('PATCH', `/api/v1/nodes/${NODE}`, {
        body: {
          metadata: {
            annotations: {
              [CORDON_ANNOTATION]: null,
              [FENCE_HOLDER_ANNOTATION]: 'replica-a',
              [FENCE_TOKEN_ANNOTATION]: '0',
            },
          },
          spec: { unschedulable: true },
        },
        contentType: 'application/merge-patch+json',
      });
      const before = await getNode();
      // WHEN the leader, replica B, cordons it (a decision on an older view)
      await adapterB.setUnschedulable(NODE, before.metadata?.uid ?? '', true);
      // THEN nothing was written: not even its stamp (before: a patch of checks plus the stamp)
      const after = await getNode();
      assert.equal(after.metadata?.resourceVersion, before.metadata?.resourceVersion);
      assert.equal(after.metadata?.annotations?.[FENCE_HOLDER_ANNOTATION], 'replica-a');
      assert.equal(after.metadata?.annotations?.[CORDON_ANNOTATION], undefined);
    },

  "other users' requests are untouched, stamp or none, Lease or none": async () => {
    // The admin (system:masters) writes the same objects without any stamp.
    const node = await getNode();
    await api.ok('PATCH', `/api/v1/nodes/${NODE}`, {
      body: { metadata: { labels: { touched: 'admin' } } },
      contentType: 'application/merge-patch+json',
    });
    await api.ok('POST', `/api/v1/namespaces/${KAFKA_NS}/events`, {
      body: {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: 'admin-' },
        involvedObject: { kind: 'Pod', name: POD, namespace: KAFKA_NS },
        reason: 'Admin',
        message: 'no stamp',
      },
    });
    await api.ok('POST', `/api/v1/namespaces/${OWN_NS}/configmaps`, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fence-it-admin' } },
    });
    await api.ok('DELETE', `/api/v1/namespaces/${OWN_NS}/configmaps/fence-it-admin`);
    // With the Lease stripped of every field the policy reads, and then gone, the admin still
    // writes; the ServiceAccount is refused with the policy's message, not an expression error.
    await api.ok('PATCH', LEASE_PATH, {
      body: [{ op: 'replace', path: '/spec', value: {} }],
      contentType: 'application/json-patch+json',
    });
    await eventuallyRefused('an Event by replica-b once the Lease names no holder', () =>
      adapterB.record({ type: 'Normal', reason: 'FenceTest', message: 'no holder' }),
    );
    await refusedByFence(
      'an Event against a Lease without fields',
      adapterB.record({ type: 'Normal', reason: 'FenceTest', message: 'no holder' }),
      /Lease [^ ]+ names holder=\\?"\\?" token=\\?"0\\?"/,
    );
    // With the Lease gone the binding has no parameter and lets everyone through (Allow): the
    // admin, and the ServiceAccount too (documented as open, docs/controller.md).
    await api.ok('DELETE', LEASE_PATH);
    await eventuallyAccepted('an Event by replica-b once the Lease is gone', () =>
      adapterB.record({ type: 'Normal', reason: 'FenceTest', message: 'gone' }),
    );
    await api.ok('PATCH', `/api/v1/nodes/${NODE}`, {
      body: { metadata: { labels: { touched: 'admin-again' } } },
      contentType: 'application/merge-patch+json',
    });
    assert.notEqual((await getNode()).metadata?.resourceVersion, node.metadata?.resourceVersion);
  },

  "why parameterNotFoundAction Allow: with Deny, a missing Lease refuses other users' writes too":
    async () => {
      // The same policy with a Deny binding whose Lease does not exist, narrowed to ConfigMaps
      // and Leases of the test's own namespace so no other test of this control plane is touched.
      const name = 'fence-it-deny-evidence';
      const { policy, binding } = admissionFencePolicy({
        name,
        serviceAccount: { name: 'kafka-autoscaler', namespace: OWN_NS },
        lease: { name: 'absent-lease', namespace: OWN_NS },
        resources: [{ group: '', resource: 'configmaps' }],
      });
      const spec = binding.spec as Record<string, unknown>;
      const denying = {
        ...binding,
        spec: {
          ...spec,
          paramRef: { ...(spec.paramRef as object), parameterNotFoundAction: 'Deny' },
          matchResources: {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OWN_NS } },
          },
        },
      };
      // Under `failurePolicy: Fail` (the policy renders Ignore; see below).
      const failing = { ...policy, spec: { ...(policy.spec as object), failurePolicy: 'Fail' } };
      try {
        for (const object of [failing, denying]) {
          const answer = await api.apply(object as KubeObject, { dryRun: false });
          assert.ok(answer.status < 300, JSON.stringify(answer.body));
        }
        // The admin is not the ServiceAccount (matchConditions false), yet is refused: the
        // parameter is looked up before the match conditions are evaluated.
        let attempt = 0;
        figures.denyEvidenceAfterMs = await eventuallyRefused('the admin ConfigMap', async () => {
          attempt += 1;
          await api.ok('POST', `/api/v1/namespaces/${OWN_NS}/configmaps`, {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: `fence-it-evidence-${attempt}` },
            },
          });
        });
        const refused = await api.request('POST', `/api/v1/namespaces/${OWN_NS}/configmaps`, {
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fence-it-evidence' } },
        });
        assert.equal(refused.status, 422, JSON.stringify(refused.body));
        assert.match(JSON.stringify(refused.body), /no params found/);
        // The policy as rendered (`failurePolicy: Ignore`): the same failed lookup no longer
        // refuses the admin, so a failure of the policy machinery (a Lease parameter not found or
        // not yet synced) never blocks other users' writes.
        const ignoring = await api.apply(policy as KubeObject, { dryRun: false });
        assert.ok(ignoring.status < 300, JSON.stringify(ignoring.body));
        const started = Date.now();
        let last = refused;
        while (Date.now() - started < 15_000) {
          last = await api.request('POST', `/api/v1/namespaces/${OWN_NS}/configmaps`, {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: `fence-it-ignored-${Date.now()}` },
            },
          });
          if (last.status < 300) break;
          await new Promise(resolve => setTimeout(resolve, 100));
        }
        assert.ok(last.status < 300, `under Ignore still refused: ${JSON.stringify(last.body)}`);
      } finally {
        const base = '/apis/admissionregistration.k8s.io/v1';
        await api.request('DELETE', `${base}/validatingadmissionpolicybindings/${name}`);
        await api.request('DELETE', `${base}/validatingadmissionpolicies/${name}`);
      }
    },
};

/** Repeats `attempt` until it is refused with 403; answers the ms it took. */
async function eventuallyRefused(what: string, attempt: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 15_000) {
    try {
      await attempt();
    } catch (error) {
      const answer = fenceRefusal(error) ?? error;
      const status = apiFaultOf(answer).status ?? /HTTP (\d+)/.exec(String(answer))?.[1];
      if (Number(status) === 403 || Number(status) === 422) return Date.now() - started;
      throw error;
    }
    await sleep(20);
  }
  throw new Error(`${what}: still accepted after 15 s`);
}

async function cleanUp(): Promise<void> {
  const paths = [
    `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings/${POLICY}`,
    `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${POLICY}`,
    `/api/v1/nodes/${NODE}`,
    `/api/v1/namespaces/${KAFKA_NS}`,
    `/api/v1/namespaces/${OWN_NS}`,
    `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${loaded.spec.name}-kafka-autoscaler`,
    `/apis/rbac.authorization.k8s.io/v1/clusterroles/${loaded.spec.name}-kafka-autoscaler`,
  ];
  for (const path of paths) await api.request('DELETE', path).catch(() => undefined);
  await deleteOwnedNodes(api, OWN_NS).catch(() => undefined);
}

async function main(): Promise<void> {
  try {
    client = await import('@kubernetes/client-node');
    KubernetesAdapter = (await import('../../controller/adapters/kubernetes')).KubernetesAdapter;
    fencedWriters = (await import('../../controller/writers')).fencedWriters;
  } catch (error) {
    process.stdout.write(`LOAD_ERROR ${JSON.stringify(String(error))}\n`);
    return;
  }
  assert.equal(
    serviceAccountUsername({ name: 'kafka-autoscaler', namespace: OWN_NS }),
    `system:serviceaccount:${OWN_NS}:kafka-autoscaler`,
  );
  const results: AdmissionFenceResult[] = [];
  try {
    let failed = false;
    for (const name of ADMISSION_FENCE_SCENARIOS) {
      const started = Date.now();
      if (failed) {
        results.push({ name, ok: false, error: 'an earlier scenario failed', ms: 0 });
        continue;
      }
      try {
        await scenarios[name]();
        results.push({ name, ok: true, ms: Date.now() - started });
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        results.push({ name, ok: false, error: message, ms: Date.now() - started });
      }
    }
  } finally {
    await cleanUp();
  }
  process.stdout.write(`RESULTS ${JSON.stringify({ results, figures })}\n`);
}

void main().then(() => process.exit(0));
