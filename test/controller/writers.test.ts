/**
 * The write paths `main.ts` wires (`controller/writers.ts`): a replica that does not lead sends no
 * Kubernetes write (but the Lease's) and no mutating Auto Scaling call; a leader does. Mutation
 * check of the fourth fault review: opening the fence in `main.ts`'s wiring (a fence that always
 * lets writes through) survived every test before this one, since the adapter tests build their own
 * fences.
 *
 * `controller/writers.ts` imports the Kubernetes adapter, whose client library is an ES module that
 * jest's CommonJS runtime cannot load, so the test bundles it with esbuild (as the image does). One
 * stand-in server on 127.0.0.1 plays both APIs, small: it records each request, answers Kubernetes
 * reads with a node and a pod carrying the UIDs the writes expect, and Auto Scaling reads with one
 * InService instance of a group above its minimum, so that every write gets as far as its request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { NotLeaderError } from '../../controller/fence';
import type { ObservedNode } from '../../controller/model';
import type { Leadership } from '../../controller/ports';
import type * as WritersModule from '../../controller/writers';
import { requireBundled, standInKubeConfig } from './bundled-client';
import { testConfig } from './fixtures';

const AUTOSCALING_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

interface Bundle {
  readonly fencedWriters: typeof WritersModule.fencedWriters;
  readonly KubeConfig: new () => KubeConfig;
}

const config = testConfig();
const tally = { kind: 'remove-node' as const, count: 1, lastAtMs: 1, note: 'deadline' };
const node: ObservedNode = {
  name: 'node-a-1',
  uid: 'uid-node-a-1',
  resourceVersion: '7',
  zone: 'us-east-1a',
  ready: true,
  unschedulable: false,
  instanceId: 'i-a1',
  createdAtMs: 0,
  operation: undefined,
};

function xml(response: ServerResponse, action: string, result: string): void {
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(
    `<${action}Response xmlns="${AUTOSCALING_NS}">${result}` +
      `<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`,
  );
}

function autoScalingAnswer(action: string, response: ServerResponse): void {
  if (action === 'DescribeAutoScalingInstances') {
    xml(
      response,
      action,
      '<DescribeAutoScalingInstancesResult><AutoScalingInstances><member>' +
        '<InstanceId>i-a1</InstanceId><AutoScalingGroupName>asg-a</AutoScalingGroupName>' +
        '<AvailabilityZone>us-east-1a</AvailabilityZone><LifecycleState>InService</LifecycleState>' +
        '<HealthStatus>HEALTHY</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn>' +
        '</member></AutoScalingInstances></DescribeAutoScalingInstancesResult>',
    );
    return;
  }
  if (action === 'DescribeAutoScalingGroups') {
    xml(
      response,
      action,
      '<DescribeAutoScalingGroupsResult><AutoScalingGroups><member>' +
        '<AutoScalingGroupName>asg-a</AutoScalingGroupName><MinSize>1</MinSize>' +
        '<MaxSize>8</MaxSize><DesiredCapacity>2</DesiredCapacity><Instances/>' +
        '</member></AutoScalingGroups></DescribeAutoScalingGroupsResult>',
    );
    return;
  }
  xml(response, action, '');
}

function kubernetesAnswer(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '').split('?')[0];
  const reply = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method !== 'GET') {
    reply(200, { metadata: { name: 'written', resourceVersion: '8' } });
    return;
  }
  const nodeMatch = /^\/api\/v1\/nodes\/([^/]+)$/.exec(path);
  if (nodeMatch !== null) {
    reply(200, {
      kind: 'Node',
      metadata: { name: nodeMatch[1], uid: `uid-${nodeMatch[1]}`, resourceVersion: '7' },
      spec: {},
    });
    return;
  }
  const podMatch = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)$/.exec(path);
  if (podMatch !== null) {
    reply(200, { kind: 'Pod', metadata: { name: podMatch[1], uid: `uid-${podMatch[1]}` } });
    return;
  }
  reply(404, {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    reason: 'NotFound',
    code: 404,
  });
}

describe('the write paths main.ts wires: no write without the lease', () => {
  const dir = mkdtempSync(join(tmpdir(), 'writers-'));
  const savedEnv = { ...process.env };
  let bundle: Bundle;
  let server: Server;
  let endpoint = '';
  /** Requests that may change something: Kubernetes non-GETs, Auto Scaling non-Describe actions. */
  let writes: string[] = [];
  /** The bodies of the Kubernetes writes, in order. */
  let kubernetesBodies: string[] = [];

  beforeAll(async () => {
    const outfile = join(dir, 'writers.js');
    bundle = requireBundled<Bundle>(
      outfile,
      "export { fencedWriters } from './controller/writers';\n" +
        "export { KubeConfig } from '@kubernetes/client-node';\n",
    );
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = (request.url ?? '').split('?')[0];
        if (path.startsWith('/api')) {
          if (request.method !== 'GET') {
            writes.push(`${request.method} ${path}`);
            kubernetesBodies.push(body);
          }
          kubernetesAnswer(request, response);
          return;
        }
        const action = new URLSearchParams(body).get('Action') ?? '';
        if (!action.startsWith('Describe')) writes.push(action);
        autoScalingAnswer(action, response);
      });
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
  }, 60_000);

  afterAll(async () => {
    process.env = savedEnv;
    await new Promise(done => server?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every write of both adapters, as main.ts builds them, by a replica that leads or not. */
  async function writeEverything(leading: boolean): Promise<{ errors: unknown[] }> {
    writes = [];
    kubernetesBodies = [];
    const kubeConfig = standInKubeConfig(bundle.KubeConfig, endpoint);
    const leadership = (): Leadership => ({ leading, fencingToken: 1, holder: 'replica-a' });
    const { kubernetes, autoscaling } = bundle.fencedWriters(config, 'replica-a', leadership, {
      kubeConfig,
      autoScalingEndpoint: endpoint,
    });
    const calls: Array<() => Promise<unknown>> = [
      () => kubernetes.setUnschedulable('node-a-1', 'uid-node-a-1', true),
      // A change (a record removed where none is would change nothing, and is not sent).
      () => kubernetes.writeOperation(node, undefined, tally),
      () => kubernetes.requestRoll('broker-0', 'uid-broker-0'),
      () => kubernetes.record({ type: 'Normal', reason: 'ScaleOut', message: 'x' }),
      () => autoscaling.raiseDesiredCapacity('asg-a', 4),
      () => autoscaling.setInstanceProtection('asg-a', ['i-a1'], false),
      () => autoscaling.terminateInstance('asg-a', 'i-a1'),
    ];
    const errors: unknown[] = [];
    for (const call of calls) await call().catch((error: unknown) => errors.push(error));
    return { errors };
  }

  test('a leader: every write reaches its API (the stand-in answers enough for each)', async () => {
    const { errors } = await writeEverything(true);
    expect(errors).toEqual([]);
    expect(writes).toEqual(
      expect.arrayContaining([
        'PATCH /api/v1/nodes/node-a-1',
        'PATCH /api/v1/namespaces/kafka/pods/broker-0',
        'SetDesiredCapacity',
        'SetInstanceProtection',
        'TerminateInstanceInAutoScalingGroup',
      ]),
    );
  }, 30_000);

  test("a leader's Kubernetes writes carry its identity and fencing token (the admission fence's stamp)", async () => {
    // GIVEN main's wiring, leading with fencing token 1
    const { errors } = await writeEverything(true);
    expect(errors).toEqual([]);
    // THEN each Kubernetes write names replica-a and token 1 (before, main's wiring sent none)
    expect(kubernetesBodies).toHaveLength(4);
    for (const body of kubernetesBodies) {
      // (a JSON Patch escapes the key's `/` as `~1`)
      expect(body).toMatch(/autoscaler-holder"(,"value")?:"replica-a"/);
      expect(body).toMatch(/autoscaler-fencing-token"(,"value")?:"1"/);
    }
  }, 30_000);

  test('a replica that does not lead: no write goes out, each is dropped with NotLeaderError', async () => {
    const { errors } = await writeEverything(false);
    expect(writes).toEqual([]);
    expect(errors).toHaveLength(7);
    // The bundle has its own copy of the class: judged by the fence's message.
    const fenceMessage = new NotLeaderError('lease may have expired; write dropped').message;
    for (const error of errors) expect((error as Error).message).toBe(fenceMessage);
  }, 30_000);
});
