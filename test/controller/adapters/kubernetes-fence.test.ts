/**
 * Every Kubernetes write of the controller is fenced by leadership, checked on the real adapter
 * (`controller/adapters/kubernetes.ts`) and its real client library: a replica that does not lead
 * sends no request that is not a read, except the Lease's (how leadership is won).
 *
 * The adapter's client library is an ES module that jest's CommonJS runtime cannot load, so the test
 * bundles the adapter with esbuild (as the image does, `controller/Dockerfile`) and requires the
 * bundle. The API server is a stand-in on 127.0.0.1 that records each request's method and path and
 * answers just enough for the adapter to get to its write (a node and a pod with their UIDs, 404
 * for the rest): what is judged is only which requests leave the process. The same writes against
 * the real kube-apiserver, by a leader that lost its lease: the cluster tier,
 * test/cluster/adapter-scenarios.ts ("leader election: ...").
 *
 * The class: the test enumerates the adapter's methods (and the members of the stores and sources
 * it hands out) and fails on one it has no entry for, so a new write cannot be added unchecked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type * as AdapterModule from '../../../controller/adapters/kubernetes';
import { JsonPatch } from 'cdk8s';
import fc from 'fast-check';
import {
  FENCE_HOLDER_ANNOTATION,
  admissionFenceName,
  fenceStamp,
  type JsonPatchOperation,
} from '../../../controller/admission-fence';
import type { DecisionRecord } from '../../../controller/decision-record';
import { NotLeaderError, leaderFence, type WriteFence } from '../../../controller/fence';
import { DEFAULT_FORECAST } from '../../../controller/forecast';
import {
  FORECAST_STEP_SECONDS,
  ForecastHistory,
  type RangeQuerier,
} from '../../../controller/forecast-history';
import {
  LeaderElector,
  type LeaseState,
  type LeaseStore,
} from '../../../controller/leader-election';
import type { Observed, ObservedNode } from '../../../controller/model';
import {
  NodeVersionChain,
  recordIdentity,
  writeShown,
  type OwnWrite,
} from '../../../controller/own-writes';
import type { WriteVersions } from '../../../controller/ports';
import {
  CORDON_ANNOTATION,
  MANUAL_ROLLING_UPDATE_ANNOTATION,
} from '../../../controller/operation-record';
import type * as FenceModule from '../../../controller/fence';
import { TokenBucket, limitedCall, type LimiterClock } from '../../../controller/rate-limit';
import { requireBundled, standInKubeConfig } from '../bundled-client';
import { NOW_MS, healthyCluster, testConfig } from '../fixtures';

interface Bundle {
  readonly KubernetesAdapter: typeof AdapterModule.KubernetesAdapter;
  /** The bundle's own class (the adapter throws the bundle's, not this module's). */
  readonly AdmissionFenceRefusedError: typeof FenceModule.AdmissionFenceRefusedError;
  readonly KubeConfig: new () => KubeConfig;
}

/** A request the stand-in API server received. */
interface Received {
  readonly method: string;
  readonly path: string;
  /** The request body as sent, and its content type (for the stamp check). */
  body?: string;
  readonly contentType?: string;
}

const json = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const notFound = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason: 'NotFound',
  code: 404,
};

/** Answers reads just enough for each write to be attempted; every write succeeds. */
function answer(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '').split('?')[0];
  // A write the admission fence refuses, as kube-apiserver words it (the real answer: the
  // cluster tier, test/cluster/admission-fence-scenarios.ts).
  if (request.method !== 'GET' && path.includes('fence-refused')) {
    json(response, 403, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message: `nodes "fence-refused" is forbidden: ValidatingAdmissionPolicy '${FENCE_NAME}' with binding '${FENCE_NAME}' denied request: admission fence: write stamped holder="replica-a" token="1" but the Lease names holder="replica-b" token="2"`,
    });
    return;
  }
  // A 403 of RBAC: not the fence's.
  if (request.method !== 'GET' && path.includes('rbac-refused')) {
    json(response, 403, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message:
        'nodes "rbac-refused" is forbidden: User "system:serviceaccount:x:y" cannot patch resource "nodes"',
    });
    return;
  }
  if (request.method !== 'GET') {
    json(response, 200, { metadata: { name: 'written', resourceVersion: '8' } });
    return;
  }
  const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(path);
  if (node !== null && servedNodeState(node[1]) !== undefined) {
    json(response, 200, servedNodeState(node[1]));
    return;
  }
  if (node !== null) {
    // `node-cordoned`: someone else's cordon (no marker of the controller's).
    json(response, 200, {
      kind: 'Node',
      metadata: { name: node[1], uid: `uid-${node[1]}`, resourceVersion: '7', annotations: {} },
      spec: node[1] === 'node-cordoned' ? { unschedulable: true } : {},
    });
    return;
  }
  const pod = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)$/.exec(path);
  if (pod !== null) {
    // `broker-rolling`: a roll already requested.
    json(response, 200, {
      kind: 'Pod',
      metadata: {
        name: pod[1],
        uid: `uid-${pod[1]}`,
        annotations:
          pod[1] === 'broker-rolling'
            ? { other: 'x', [MANUAL_ROLLING_UPDATE_ANNOTATION]: 'true' }
            : { other: 'x' },
      },
    });
    return;
  }
  if (/\/(nodes|pods)$/.test(path)) {
    json(response, 200, { items: [], metadata: { resourceVersion: '1' } });
    return;
  }
  json(response, 404, notFound);
}

/**
 * Nodes named `state-<spec>-<marker>` answer a state of their own (version 7): `spec.unschedulable`
 * absent (`a`), false (`f`) or true (`t`); annotations absent (`n`), without the cordon marker
 * (`e`), or with it set to `true` (`t`) or another value (`x`).
 */
function servedNodeState(name: string): Record<string, unknown> | undefined {
  const state = /^state-([aft])-([netx])$/.exec(name);
  if (state === null) return undefined;
  const spec = state[1] === 'a' ? {} : { unschedulable: state[1] === 't' };
  const marker = state[2];
  const annotations =
    marker === 'n'
      ? undefined
      : marker === 'e'
        ? { other: 'x' }
        : { other: 'x', [CORDON_ANNOTATION]: marker === 't' ? 'true' : 'x' };
  return {
    kind: 'Node',
    metadata: {
      name,
      uid: `uid-${name}`,
      resourceVersion: '7',
      ...(annotations === undefined ? {} : { annotations }),
    },
    spec,
  };
}

/** An object as stored after `write`: a JSON Patch applied to what the stand-in's GET answers
 * (a ConfigMap: one with an empty annotations map), a merge patch or a create taken as is (the
 * stamp is in the body's own `metadata`). */
function storedObject(write: Received): { metadata?: { annotations?: Record<string, string> } } {
  const body = JSON.parse(write.body ?? '{}') as unknown;
  if (!(write.contentType ?? '').includes('json-patch')) {
    return body as { metadata?: { annotations?: Record<string, string> } };
  }
  const node = /^\/api\/v1\/nodes\/([^/]+)$/.exec(write.path);
  const pod = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)$/.exec(write.path);
  const base =
    node !== null
      ? {
          metadata: { name: node[1], uid: `uid-${node[1]}`, resourceVersion: '7', annotations: {} },
          spec: {},
        }
      : pod !== null
        ? { metadata: { name: pod[1], uid: `uid-${pod[1]}`, annotations: { other: 'x' } } }
        : { metadata: { annotations: {} } };
  const ops = (body as Array<{ op: string; path: string; value?: unknown }>).map(op =>
    op.op === 'test'
      ? JsonPatch.test(op.path, op.value)
      : op.op === 'remove'
        ? JsonPatch.remove(op.path)
        : op.op === 'replace'
          ? JsonPatch.replace(op.path, op.value)
          : JsonPatch.add(op.path, op.value),
  );
  return JsonPatch.apply(base, ...ops) as { metadata?: { annotations?: Record<string, string> } };
}

const config = testConfig();
const FENCE_NAME = admissionFenceName(config.clusterName);
const node: ObservedNode = {
  name: 'node-a-1',
  uid: 'uid-node-a-1',
  resourceVersion: '7',
  zone: 'us-east-1a',
  ready: true,
  unschedulable: false,
  instanceId: 'i-0a1',
  createdAtMs: 0,
  operation: undefined,
};
const decision: DecisionRecord = {
  version: 1,
  decidedAtMs: 1,
  holder: 'replica-a',
  dryRun: false,
  reason: 'at-target',
  detail: 'at target',
  scaleInStabilizationSeconds: 600,
  zones: [],
};
const tally = { kind: 'remove-node' as const, count: 1, lastAtMs: 1, note: 'deadline' };
const marker = { version: 1 as const, zones: { 'us-east-1a': { sufficientAtMs: 5_000 } } };
const lease = {
  holderIdentity: 'replica-a',
  leaseDurationSeconds: 15,
  renewTimeMs: 1_000,
  leaseTransitions: 0,
};

type Adapter = AdapterModule.KubernetesAdapter;
/** The adapter's methods as the runtime sees them (private ones included). */
type Methods = Record<string, (...args: unknown[]) => unknown>;

/**
 * What to call for each method of the adapter, and the writes it makes while leading
 * (`METHOD /path`). `lease`: the Lease's writes, which go out without leadership.
 */
interface Entry {
  readonly calls: (adapter: Adapter) => readonly (() => Promise<unknown>)[];
  readonly writes: readonly RegExp[];
  readonly lease?: true;
  /** For a method handing out an object of calls: its members, each exercised by `calls`. */
  readonly members?: (adapter: Adapter) => object;
}

const methods = (adapter: Adapter): Methods => adapter as unknown as Methods;

const ADAPTER_SURFACE: Record<string, Entry> = {
  // Helpers: pure, or building the sources below (their requests are the sources' list calls).
  brokerSelector: { calls: adapter => [async () => methods(adapter).brokerSelector()], writes: [] },
  stamp: { calls: adapter => [async () => methods(adapter).stamp()], writes: [] },
  stampedAnnotations: {
    calls: adapter => [async () => methods(adapter).stampedAnnotations()],
    writes: [],
  },
  watchSource: {
    calls: adapter => [
      async () =>
        (
          methods(adapter).watchSource('/api/v1/nodes', {}, async () => ({ items: [] })) as {
            list(): Promise<unknown>;
          }
        ).list(),
    ],
    writes: [],
  },
  nodeSource: {
    // `watch` is a `Watch` GET that stays open: a read, not called here.
    calls: adapter => [() => adapter.nodeSource().list()],
    writes: [],
    members: adapter => adapter.nodeSource(),
  },
  brokerPodSource: {
    calls: adapter => [() => adapter.brokerPodSource().list()],
    writes: [],
    members: adapter => adapter.brokerPodSource(),
  },
  nodeNow: { calls: adapter => [() => adapter.nodeNow('node-a-1')], writes: [] },
  nodesWithRecords: { calls: adapter => [() => adapter.nodesWithRecords()], writes: [] },
  brokersNow: { calls: adapter => [() => adapter.brokersNow()], writes: [] },
  otherBrokerPodsNow: { calls: adapter => [() => adapter.otherBrokerPodsNow()], writes: [] },
  nodesOfInstance: { calls: adapter => [() => adapter.nodesOfInstance('i-a1')], writes: [] },
  readKafka: { calls: adapter => [() => adapter.readKafka()], writes: [] },
  // Each call changes something (a write that would change nothing but the stamp is not sent:
  // the stamp-only test below).
  guardedNodePatch: {
    calls: adapter => [
      async () =>
        methods(adapter).guardedNodePatch('node-a-1', 'uid-node-a-1', '7', () => [
          { op: 'add', path: '/spec/unschedulable', value: true },
        ]),
    ],
    writes: [/^PATCH \/api\/v1\/nodes\/node-a-1$/],
  },
  writeOperation: {
    calls: adapter => [() => adapter.writeOperation(node, undefined, tally)],
    writes: [/^PATCH \/api\/v1\/nodes\/node-a-1$/],
  },
  setUnschedulable: {
    calls: adapter => [() => adapter.setUnschedulable('node-a-1', 'uid-node-a-1', true)],
    writes: [/^PATCH \/api\/v1\/nodes\/node-a-1$/],
  },
  requestRoll: {
    calls: adapter => [() => adapter.requestRoll('broker-0', 'uid-broker-0')],
    writes: [/^PATCH \/api\/v1\/namespaces\/[^/]+\/pods\/broker-0$/],
  },
  record: {
    calls: adapter => [() => adapter.record({ type: 'Normal', reason: 'ScaleOut', message: 'x' })],
    writes: [/^POST \/api\/v1\/namespaces\/[^/]+\/events$/],
  },
  writeDecisionRecord: {
    calls: adapter => [() => adapter.writeDecisionRecord(decision)],
    writes: [/^PATCH \/api\/v1\/namespaces\/[^/]+\/configmaps\/[^/]+-status$/],
  },
  replaceConfigMapData: {
    calls: adapter => [
      async () => methods(adapter).replaceConfigMapData('ns', 'status', { key: 'value' }),
    ],
    writes: [/^PATCH \/api\/v1\/namespaces\/ns\/configmaps\/status$/],
  },
  forecastMarkerStore: {
    calls: adapter => {
      const store = adapter.forecastMarkerStore();
      return [
        () => store.read(),
        () => store.write(marker, undefined),
        () => store.write(marker, '3'),
      ];
    },
    writes: [
      /^POST \/api\/v1\/namespaces\/[^/]+\/configmaps$/,
      /^PATCH \/api\/v1\/namespaces\/[^/]+\/configmaps\/[^/]+-forecast$/,
    ],
    members: adapter => adapter.forecastMarkerStore(),
  },
  leaseStore: {
    calls: adapter => {
      const store = adapter.leaseStore();
      return [
        () => store.get(),
        () => store.create(lease),
        () => store.update({ ...lease, resourceVersion: '4' }),
      ];
    },
    writes: [
      /^POST \/apis\/coordination\.k8s\.io\/v1\/namespaces\/[^/]+\/leases$/,
      /^PUT \/apis\/coordination\.k8s\.io\/v1\/namespaces\/[^/]+\/leases\/[^/]+$/,
    ],
    lease: true,
    members: adapter => adapter.leaseStore(),
  },
};

/** The members of each handed-out object that the entry's `calls` exercise (or, `watch`, skip). */
const MEMBERS: Record<string, readonly string[]> = {
  nodeSource: ['list', 'watch'],
  brokerPodSource: ['list', 'watch'],
  forecastMarkerStore: ['location', 'read', 'write'],
  leaseStore: ['get', 'create', 'update'],
};

describe('Kubernetes adapter: no write without the lease, but the Lease', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adapter-fence-'));
  let bundle: Bundle;
  let server: Server;
  let received: Received[] = [];
  let kubeConfig: KubeConfig;

  beforeAll(async () => {
    const outfile = join(dir, 'adapter.js');
    bundle = requireBundled<Bundle>(
      outfile,
      "export { KubernetesAdapter } from './controller/adapters/kubernetes';\n" +
        "export { AdmissionFenceRefusedError } from './controller/fence';\n" +
        "export { KubeConfig } from '@kubernetes/client-node';\n",
    );
    server = createServer((request, response) => {
      const entry: Received = {
        method: request.method ?? '',
        path: (request.url ?? '').split('?')[0],
        contentType: request.headers['content-type'],
      };
      received.push(entry);
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        entry.body = Buffer.concat(chunks).toString('utf8');
        answer(request, response);
      });
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    kubeConfig = standInKubeConfig(bundle.KubeConfig, `http://127.0.0.1:${port}`);
  }, 60_000);

  afterAll(async () => {
    await new Promise(done => server?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  const notLeading: WriteFence = leaderFence(() => ({
    leading: false,
    fencingToken: 1,
    holder: 'replica-a',
  }));
  const leading: WriteFence = leaderFence(() => ({
    leading: true,
    fencingToken: 1,
    holder: 'replica-a',
  }));

  /** Runs the entry's calls with the fence; answers the writes sent and the errors met. */
  async function run(
    entry: Entry,
    fence: WriteFence,
    fencingToken?: () => number,
  ): Promise<{ writes: string[]; errors: unknown[] }> {
    received = [];
    const adapter = new bundle.KubernetesAdapter(
      config,
      'replica-a',
      fence,
      kubeConfig,
      undefined,
      fencingToken,
    );
    const errors: unknown[] = [];
    for (const call of entry.calls(adapter)) {
      await call().catch((error: unknown) => errors.push(error));
    }
    const writes = received
      .filter(request => request.method !== 'GET')
      .map(request => `${request.method} ${request.path}`);
    return { writes, errors };
  }

  test('every method of the adapter, and of what it hands out, has an entry', () => {
    const adapter = new bundle.KubernetesAdapter(config, 'replica-a', notLeading, kubeConfig);
    const names = Object.getOwnPropertyNames(bundle.KubernetesAdapter.prototype).filter(
      name => name !== 'constructor',
    );
    // A method without an entry: add one, with the writes it makes.
    expect([...names].sort()).toEqual(Object.keys(ADAPTER_SURFACE).sort());
    for (const [name, entry] of Object.entries(ADAPTER_SURFACE)) {
      if (entry.members === undefined) continue;
      expect([name, Object.keys(entry.members(adapter)).sort()]).toEqual([
        name,
        [...(MEMBERS[name] ?? [])].sort(),
      ]);
    }
  });

  test.each(Object.keys(ADAPTER_SURFACE))(
    '%s: a replica that does not lead sends no write (but the Lease)',
    async name => {
      const entry = ADAPTER_SURFACE[name];
      // WHEN a replica that does not lead calls it
      const refused = await run(entry, notLeading);
      if (entry.lease === true) {
        // THEN the Lease's writes go out anyway: they are how leadership is won
        expect(refused.writes).toHaveLength(entry.writes.length);
      } else {
        // THEN nothing but reads reaches the API server, and each write is dropped as not leading
        expect(refused.writes).toEqual([]);
        expect(refused.errors).toHaveLength(entry.writes.length);
        for (const error of refused.errors) expect(error).toBeInstanceOf(NotLeaderError);
      }
      // AND the leader's same calls make exactly the writes listed (so the check above can fail)
      const made = await run(entry, leading);
      expect(made.errors).toEqual([]);
      expect(made.writes).toHaveLength(entry.writes.length);
      made.writes.forEach((write, index) => expect(write).toMatch(entry.writes[index]));
    },
  );

  test.each(Object.keys(ADAPTER_SURFACE))(
    "%s: every write but the Lease's carries the leader's admission-fence stamp",
    async name => {
      const entry = ADAPTER_SURFACE[name];
      // WHEN the leader, holding fencing token 7, makes the calls
      const made = await run(entry, leading, () => 7);
      expect(made.errors).toEqual([]);
      const writes = received.filter(request => request.method !== 'GET');
      expect(writes).toHaveLength(entry.writes.length);
      for (const write of writes) {
        // THEN the object as the API server would store it carries the stamp (the Lease none)
        const stored = storedObject(write);
        const annotations = stored.metadata?.annotations ?? {};
        if (entry.lease === true) {
          expect(annotations[FENCE_HOLDER_ANNOTATION]).toBeUndefined();
        } else {
          expect([write.method, write.path, annotations]).toEqual([
            write.method,
            write.path,
            expect.objectContaining(fenceStamp('replica-a', 7)),
          ]);
        }
      }
    },
  );

  test('a write that would change nothing but the stamp is not sent (any write shape of the adapter)', async () => {
    const adapter = new bundle.KubernetesAdapter(
      config,
      'replica-a',
      leading,
      kubeConfig,
      undefined,
      () => 7,
    );
    const cordoned = { ...node, name: 'node-cordoned', uid: 'uid-node-cordoned' };
    const noOps: Array<[string, () => Promise<unknown>]> = [
      // Someone else's cordon: the controller leaves it as it is, so nothing changes.
      [
        'cordon of a node cordoned by someone else',
        () => adapter.setUnschedulable(cordoned.name, cordoned.uid, true),
      ],
      [
        'uncordon of a node cordoned by someone else',
        () => adapter.setUnschedulable(cordoned.name, cordoned.uid, false),
      ],
      // No record and no tally on the node: removing them changes nothing.
      [
        'record and tally removed where there are none',
        () => adapter.writeOperation(node, undefined, null),
      ],
      ['record removed where there is none', () => adapter.writeOperation(node, undefined)],
      // The roll annotation is already there.
      [
        'roll request of a pod already asked to roll',
        () => adapter.requestRoll('broker-rolling', 'uid-broker-rolling'),
      ],
      // Any patch whose operations set what is already there.
      [
        'a guarded patch setting equal values',
        async () =>
          methods(adapter).guardedNodePatch('node-a-1', 'uid-node-a-1', '7', () => [
            { op: 'add', path: '/metadata/annotations', value: {} },
            { op: 'replace', path: '/spec', value: {} },
          ]),
      ],
    ];
    for (const [what, call] of noOps) {
      received = [];
      await call();
      const writes = received.filter(request => request.method !== 'GET');
      expect([what, writes.map(w => `${w.method} ${w.path} ${w.body}`)]).toEqual([what, []]);
    }
    // And the same shapes with a change go out, stamped (the check above can fail).
    received = [];
    await adapter.setUnschedulable('node-a-1', 'uid-node-a-1', true);
    const cordon = received.filter(request => request.method !== 'GET');
    expect(cordon).toHaveLength(1);
    expect(storedObject(cordon[0]).metadata?.annotations).toEqual({
      [CORDON_ANNOTATION]: 'true',
      ...fenceStamp('replica-a', 7),
    });
  });

  test('a node write not sent answers the version it read as unchanged, so read-your-writes sees it (review s35-f)', async () => {
    const adapter = new bundle.KubernetesAdapter(
      config,
      'replica-a',
      leading,
      kubeConfig,
      undefined,
      () => 7,
    );
    // The stand-in's node at version 7, as the view shows it once it catches up.
    const viewAt7 = (name: string, unschedulable: boolean): Observed => ({
      ...healthyCluster(config),
      nodes: [{ ...node, name, uid: `uid-${name}`, resourceVersion: '7', unschedulable }],
    });
    const cases: Array<[string, () => Promise<unknown>, OwnWrite['kind'], Observed]> = [
      // Someone else's cordon, found on the fresh read after the view showed the controller's
      // own: the uncordon leaves it, so the view will never show the node schedulable.
      [
        'uncordon of a node cordoned by someone else',
        () => adapter.setUnschedulable('node-cordoned', 'uid-node-cordoned', false),
        'cordon',
        viewAt7('node-cordoned', true),
      ],
      [
        'cordon of a node cordoned by someone else',
        () => adapter.setUnschedulable('node-cordoned', 'uid-node-cordoned', true),
        'cordon',
        viewAt7('node-cordoned', true),
      ],
      [
        'record removed where there is none',
        () => adapter.writeOperation(node, undefined),
        'record',
        viewAt7('node-a-1', false),
      ],
    ];
    for (const [what, call, kind, view] of cases) {
      received = [];
      const answered = (await call()) as WriteVersions | undefined;
      expect([what, received.filter(request => request.method !== 'GET')]).toEqual([what, []]);
      // What the reconciler does with the answer (reconciler.ts, nodeVersions), then the check
      // of a later pass on a view at the version read: the write counts as shown.
      const versions =
        answered === undefined
          ? undefined
          : new NodeVersionChain('7').wrote(answered.before, answered.after);
      const target = view.nodes[0];
      const write: OwnWrite =
        kind === 'cordon'
          ? {
              kind: 'cordon',
              nodeName: target.name,
              nodeUid: target.uid,
              unschedulable: what.startsWith('cordon'),
              atMs: NOW_MS,
              ...(versions === undefined ? {} : { versions }),
            }
          : {
              kind: 'record',
              nodeName: target.name,
              nodeUid: target.uid,
              identity: recordIdentity(undefined),
              fencingToken: 7,
              atMs: NOW_MS,
              ...(versions === undefined ? {} : { versions }),
            };
      expect([what, writeShown(write, view)]).toEqual([what, true]);
      expect([what, answered]).toEqual([what, { before: '7', after: '7' }]);
    }
  });

  test('property: whatever state a cordon or uncordon finds, read-your-writes sees the write on a view of the state it left (review s35-f)', async () => {
    const adapter = new bundle.KubernetesAdapter(
      config,
      'replica-a',
      leading,
      kubeConfig,
      undefined,
      () => 7,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('a', 'f', 't'),
        fc.constantFrom('n', 'e', 't', 'x'),
        fc.boolean(),
        async (spec, marker, unschedulable) => {
          const name = `state-${spec}-${marker}`;
          received = [];
          const answered = (await adapter.setUnschedulable(name, `uid-${name}`, unschedulable)) as
            WriteVersions | undefined;
          const sent = received.filter(request => request.method !== 'GET');
          // The node as stored: the patch applied to what was read, or what was read.
          const read = servedNodeState(name) as { spec: { unschedulable?: boolean } };
          const stored =
            sent.length === 0
              ? read
              : (JsonPatch.apply(
                  structuredClone(read),
                  ...(JSON.parse(sent[0].body ?? '[]') as Array<JsonPatchOperation>).map(op =>
                    op.op === 'test'
                      ? JsonPatch.test(op.path, op.value)
                      : op.op === 'remove'
                        ? JsonPatch.remove(op.path)
                        : JsonPatch.add(op.path, op.value),
                  ),
                ) as typeof read);
          // As the reconciler reads the answer (reconciler.ts, nodeVersions).
          const versions =
            answered === undefined
              ? undefined
              : new NodeVersionChain('7').wrote(answered.before, answered.after);
          const view: Observed = {
            ...healthyCluster(config),
            nodes: [
              {
                ...node,
                name,
                uid: `uid-${name}`,
                resourceVersion: answered?.after ?? '7',
                unschedulable: stored.spec.unschedulable === true,
              },
            ],
          };
          const write: OwnWrite = {
            kind: 'cordon',
            nodeName: name,
            nodeUid: `uid-${name}`,
            unschedulable,
            atMs: NOW_MS,
            ...(versions === undefined ? {} : { versions }),
          };
          expect(writeShown(write, view)).toBe(true);
        },
      ),
      { numRuns: 48 },
    );
  });

  test("a write the API server's admission fence refuses is recognised, reported, and dropped as not leading", async () => {
    const refusals: unknown[] = [];
    const adapter = new bundle.KubernetesAdapter(
      config,
      'replica-a',
      leading,
      kubeConfig,
      undefined,
      () => 1,
      error => refusals.push(error),
    );
    const refused = await adapter.setUnschedulable('fence-refused', 'uid-fence-refused', true).then(
      () => undefined,
      (error: unknown) => error,
    );
    // THEN the error is the fence's (a NotLeaderError: every caller stops acting as leader)
    expect(refused).toBeInstanceOf(bundle.AdmissionFenceRefusedError);
    expect((refused as Error).message).toContain(FENCE_NAME);
    expect(refusals).toEqual([refused]);
    // AND a 403 of RBAC stays an ordinary API error, not reported
    const rbac = await adapter.setUnschedulable('rbac-refused', 'uid-rbac-refused', true).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rbac).not.toBeInstanceOf(bundle.AdmissionFenceRefusedError);
    expect((rbac as { code?: number }).code).toBe(403);
    expect(refusals).toHaveLength(1);
  });

  test('the marker write of a leader whose lease lapses while it waits in the token bucket is dropped', async () => {
    // GIVEN main's wiring of the marker: leader only (checked before the write is queued), every
    // request through the Kubernetes token bucket, on a clock whose sleeps move it forward
    const clock: LimiterClock & { nowMs: number } = {
      nowMs: NOW_MS,
      now: () => clock.nowMs,
      sleep: async ms => {
        clock.nowMs += ms;
      },
    };
    const leases: LeaseStore = {
      lease: undefined as LeaseState | undefined,
      async get() {
        return this.lease;
      },
      async create(lease: Omit<LeaseState, 'resourceVersion'>) {
        this.lease = { ...lease, resourceVersion: '1' };
      },
      async update(lease: LeaseState) {
        this.lease = lease;
      },
    } as LeaseStore & { lease: LeaseState | undefined };
    const timing = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };
    const elector = new LeaderElector('replica-a', leases, timing, clock.now);
    expect(await elector.tryAcquireOrRenew()).toBe(true);
    const bucket = new TokenBucket({ qps: 10, burst: 100 }, clock);
    const adapter = new bundle.KubernetesAdapter(
      config,
      'replica-a',
      leaderFence(() => elector.leadership()),
      kubeConfig,
    );
    const store = adapter.forecastMarkerStore();
    const forecastConfig = { ...config, forecast: { ...DEFAULT_FORECAST, leadTimeSeconds: 1470 } };
    // Three days of flat demand per pool: every zone's forecast counts, so a stamp is due.
    const stepMs = FORECAST_STEP_SECONDS * 1000;
    const prometheus: RangeQuerier = {
      queryRange: async (_promql, startMs, endMs) => {
        const points: Array<{ atMs: number; value: number }> = [];
        const fromMs = Math.max(startMs, NOW_MS - 3 * 86_400_000);
        for (let atMs = Math.ceil(fromMs / stepMs) * stepMs; atMs <= endMs; atMs += stepMs) {
          points.push({ atMs, value: 40 * 1024 * 1024 });
        }
        return config.zones.map(zone => ({ labels: { pool: zone.poolName }, points }));
      },
    };
    const markerErrors: unknown[] = [];
    const history = new ForecastHistory(prometheus, forecastConfig, () => undefined, {
      marker: {
        location: store.location,
        read: async () => {
          const read = await limitedCall(bucket, () => store.read());
          // Meanwhile another request of the process got a 429 with Retry-After 30 s.
          bucket.failed(
            Object.assign(new Error('429'), { code: 429, headers: { 'retry-after': '30' } }),
          );
          return read;
        },
        write: (value, version) => limitedCall(bucket, () => store.write(value, version)),
      },
      mayWriteMarker: () => elector.leadership().leading,
      onMarkerError: (_operation, error) => markerErrors.push(error),
    });
    received = [];
    // WHEN the refresh reads the marker (none), stamps the zones and queues the write while leading
    await history.refresh(NOW_MS);
    // THEN the write, sent 30 s later with the lease past its renew deadline, never goes out
    expect(elector.leadership().leading).toBe(false);
    expect(received.filter(request => request.method !== 'GET')).toEqual([]);
    expect(received.map(request => request.method)).toEqual(['GET']);
    expect(markerErrors).toHaveLength(1);
    expect(markerErrors[0]).toBeInstanceOf(NotLeaderError);
  });
});
