/**
 * A leader paused between the fence and the request: the Kubernetes writes' fence must run after
 * the client library has authenticated the request, right before it is sent, as the Auto Scaling
 * client's already does (after signing, `fenceAutoScalingClient`). Authentication is work of its
 * own between the call and the send: an exec credential plugin is a child process (seconds, an
 * `aws eks get-token` on a laptop or a runner), the in-cluster token is read from a file, and any
 * await there is a point where a stopped process (SIGSTOP, a long GC pause, a frozen VM) resumes
 * with the request still to be sent. A fence checked only at the call (`fenceWrites`, before the
 * client library starts) lets that request out after the Lease lapsed and another replica took
 * over.
 *
 * Stand-in: an authenticator added to the bundle's `KubeConfig` (the library's own extension
 * point, `addAuthenticator`) plays the pause: while it runs, the lease lapses (`leading` turns
 * false). The API is the small stand-in server of writers.test.ts' kind on 127.0.0.1, which
 * records every request that is not a GET.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector } from '../../controller/leader-election';
import type { ObservedNode } from '../../controller/model';
import type { Leadership } from '../../controller/ports';
import type * as WritersModule from '../../controller/writers';
import { requireBundled } from './bundled-client';
import { testConfig } from './fixtures';
import { MemoryLeaseStore } from './memory-lease-store';

interface Bundle {
  readonly fencedWriters: typeof WritersModule.fencedWriters;
  readonly KubeConfig: new () => KubeConfig;
}

const config = testConfig();
const tally = { kind: 'remove-node' as const, count: 1, lastAtMs: 1, note: 'deadline' };
/** What the innermost fence says when the Lease read back no longer names the replica. */
const LEASE_GONE = 'the Lease no longer names this replica as it last renewed it; write dropped';
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

const AUTOSCALING_NS = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

/** A stand-in Auto Scaling answer: one InService instance of a group above its minimum. */
function autoScalingAnswer(action: string): string {
  const result =
    action === 'DescribeAutoScalingInstances'
      ? '<DescribeAutoScalingInstancesResult><AutoScalingInstances><member>' +
        '<InstanceId>i-a1</InstanceId><AutoScalingGroupName>asg-a</AutoScalingGroupName>' +
        '<AvailabilityZone>us-east-1a</AvailabilityZone><LifecycleState>InService</LifecycleState>' +
        '<HealthStatus>HEALTHY</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn>' +
        '</member></AutoScalingInstances></DescribeAutoScalingInstancesResult>'
      : action === 'DescribeAutoScalingGroups'
        ? '<DescribeAutoScalingGroupsResult><AutoScalingGroups><member>' +
          '<AutoScalingGroupName>asg-a</AutoScalingGroupName><MinSize>1</MinSize>' +
          '<MaxSize>8</MaxSize><DesiredCapacity>2</DesiredCapacity><Instances/>' +
          '</member></AutoScalingGroups></DescribeAutoScalingGroupsResult>'
        : '';
  return (
    `<${action}Response xmlns="${AUTOSCALING_NS}">${result}` +
    `<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`
  );
}

describe('a leader paused while its write is being authenticated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paused-write-'));
  let bundle: Bundle;
  let server: Server;
  let endpoint = '';
  let writes: string[] = [];

  beforeAll(async () => {
    bundle = requireBundled<Bundle>(
      join(dir, 'writers.js'),
      "export { fencedWriters } from './controller/writers';\n" +
        "export { KubeConfig } from '@kubernetes/client-node';\n",
    );
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = (request.url ?? '').split('?')[0];
        if (!path.startsWith('/api')) {
          // Auto Scaling (query protocol): the reads the adapter makes before its writes.
          const action = new URLSearchParams(body).get('Action') ?? '';
          if (!action.startsWith('Describe')) writes.push(action);
          response.writeHead(200, { 'content-type': 'text/xml' });
          response.end(autoScalingAnswer(action));
          return;
        }
        if (request.method !== 'GET') writes.push(`${request.method} ${path}`);
        const name = /^\/api\/v1\/(?:nodes|namespaces\/[^/]+\/pods)\/([^/]+)$/.exec(path)?.[1];
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            metadata: { name: name ?? 'x', uid: `uid-${name ?? 'x'}`, resourceVersion: '7' },
            spec: {},
          }),
        );
      });
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise(done => server?.close(done));
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The adapter's writes, each made while leading; the lease lapses while the write's request is
   * authenticated (the process stood still there). Reads authenticate too and lapse nothing.
   */
  async function writesPausedInAuthentication(): Promise<{ errors: string[] }> {
    writes = [];
    let leading = true;
    // The clocks alone judge here (no Lease to read back).
    const kubeConfig = new bundle.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'stand-in', server: endpoint, skipTLSVerify: true }],
      users: [{ name: 'paused', token: 'stand-in-token' }],
      contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'paused' }],
      currentContext: 'stand-in',
    });
    let pausing = false;
    kubeConfig.addAuthenticator({
      isAuthProvider: () => true,
      applyAuthentication: async () => {
        if (!pausing) return;
        await new Promise(resolve => setTimeout(resolve, 5));
        leading = false;
      },
    });
    const leadership = (): Leadership => ({ leading, fencingToken: 1, holder: 'replica-a' });
    const { kubernetes } = bundle.fencedWriters(config, 'replica-a', leadership, { kubeConfig });
    const errors: string[] = [];
    const calls: Array<() => Promise<unknown>> = [
      () => kubernetes.setUnschedulable('node-a-1', 'uid-node-a-1', true),
      // A change (a record removed where none is would change nothing, and is not sent).
      () => kubernetes.writeOperation(node, undefined, tally),
      () => kubernetes.requestRoll('broker-0', 'uid-broker-0'),
      () => kubernetes.record({ type: 'Normal', reason: 'ScaleOut', message: 'x' }),
    ];
    for (const call of calls) {
      leading = true;
      // Only the write pauses: the guarded writes read the object first, while leading.
      pausing = false;
      const original = kubeConfig.applySecurityAuthentication.bind(kubeConfig);
      kubeConfig.applySecurityAuthentication = async context => {
        pausing = context.getHttpMethod() !== 'GET';
        return original(context);
      };
      await call().catch((error: unknown) => errors.push((error as Error).message));
      kubeConfig.applySecurityAuthentication = original;
    }
    return { errors };
  }

  test('no write goes out once the lease lapsed during its authentication', async () => {
    const { errors } = await writesPausedInAuthentication();
    expect(writes).toEqual([]);
    expect(errors).toEqual(Array(4).fill('lease may have expired; write dropped'));
  }, 30_000);
  test('a leader frozen with its clocks (a paused VM): the Lease read back drops its writes', async () => {
    writes = [];
    const store = new MemoryLeaseStore();
    const clocks = { a: 1_000_000, b: 1_000_000 };
    const timing = { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 };
    const a = new LeaderElector('replica-a', store, timing, () => clocks.a);
    const b = new LeaderElector('replica-b', store, timing, () => clocks.b);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    // A freezes with its clocks; B watches the Lease unchanged for a whole duration, takes over.
    clocks.b += 16_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(a.leadership().leading).toBe(true); // by its clocks, A still leads
    const kubeConfig = new bundle.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'stand-in', server: endpoint, skipTLSVerify: true }],
      users: [{ name: 'user' }],
      contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'user' }],
      currentContext: 'stand-in',
    });
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    const { kubernetes, autoscaling } = bundle.fencedWriters(
      config,
      'replica-a',
      () => a.leadership(),
      { kubeConfig, autoScalingEndpoint: endpoint },
      { confirm: () => a.confirm() },
    );
    const errors: string[] = [];
    const calls: Array<() => Promise<unknown>> = [
      () => kubernetes.setUnschedulable('node-a-1', 'uid-node-a-1', true),
      // A change (a record removed where none is would change nothing, and is not sent).
      () => kubernetes.writeOperation(node, undefined, tally),
      () => kubernetes.requestRoll('broker-0', 'uid-broker-0'),
      () => kubernetes.record({ type: 'Normal', reason: 'ScaleOut', message: 'x' }),
      () => autoscaling.terminateInstance('asg-a', 'i-a1'),
      () => autoscaling.raiseDesiredCapacity('asg-a', 4),
    ];
    for (const call of calls) {
      await call().catch((error: unknown) => errors.push((error as Error).message));
    }
    expect(writes).toEqual([]);
    expect(errors).toEqual([
      ...Array(4).fill(LEASE_GONE),
      // The Auto Scaling adapter reports a dropped write in its own words, naming the cause.
      expect.stringContaining(LEASE_GONE),
      expect.stringContaining(LEASE_GONE),
    ]);
  }, 30_000);
});
