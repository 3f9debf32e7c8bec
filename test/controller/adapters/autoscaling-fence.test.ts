/**
 * The Auto Scaling writes are fenced after the SDK has its credentials, right before the request
 * goes out. The call-level fence (`fencedAutoScalingCalls`) runs when `client.send` is called; the
 * SDK then resolves the credentials (with IAM roles for service accounts, an STS call whenever the
 * cached ones near expiry, which can take seconds) and signs, and only then sends. A lease that
 * lapses meanwhile did not stop the write. The client fence (`fenceAutoScalingClient`, wired by
 * `autoScalingClient` in main.ts) checks again innermost.
 *
 * A real SDK client against a stand-in endpoint on 127.0.0.1 (small: it records each request's
 * `Action` and answers an empty success in the query protocol's XML); the credentials provider is
 * where the lease lapses.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  autoScalingClient,
  fenceAutoScalingClient,
  sdkCalls,
} from '../../../controller/adapters/autoscaling';
import { NotLeaderError, fencedAutoScalingCalls, leaderFence } from '../../../controller/fence';

describe('Auto Scaling fence: a lease that lapses while the SDK fetches credentials', () => {
  let server: Server;
  let endpoint = '';
  let actions: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const action = new URLSearchParams(body).get('Action') ?? '';
        actions.push(action);
        const result =
          action === 'DescribeAutoScalingGroups'
            ? '<DescribeAutoScalingGroupsResult><AutoScalingGroups/></DescribeAutoScalingGroupsResult>'
            : '';
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          `<${action}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">${result}` +
            `<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${action}Response>`,
        );
      });
    });
    await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise(done => server?.close(done));
  });

  /** A client whose credentials take a while, during which the lease lapses. */
  function setup(withClientFence: boolean) {
    let leading = true;
    const fence = leaderFence(() => ({ leading, fencingToken: 1, holder: 'replica-a' }));
    const client = new AutoScalingClient({
      region: 'us-east-1',
      endpoint,
      maxAttempts: 1,
      credentials: async () => {
        // The STS call of a credentials refresh: the last renewal passes its deadline meanwhile.
        await new Promise(resolve => setTimeout(resolve, 20));
        leading = false;
        return { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
      },
    });
    const fenced = withClientFence ? fenceAutoScalingClient(client, fence) : client;
    // main.ts's wiring: the call-level fence on the raw calls as well
    return fencedAutoScalingCalls(sdkCalls(fenced), fence);
  }

  const writes = {
    setDesiredCapacity: (calls: ReturnType<typeof setup>) =>
      calls.setDesiredCapacity({ AutoScalingGroupName: 'asg-a', DesiredCapacity: 2 }),
    terminateInstance: (calls: ReturnType<typeof setup>) =>
      calls.terminateInstance({ InstanceId: 'i-1', ShouldDecrementDesiredCapacity: true }),
    setInstanceProtection: (calls: ReturnType<typeof setup>) =>
      calls.setInstanceProtection({
        AutoScalingGroupName: 'asg-a',
        InstanceIds: ['i-1'],
        ProtectedFromScaleIn: false,
      }),
  };

  test.each(Object.keys(writes) as Array<keyof typeof writes>)(
    '%s: the call-level fence alone lets the write out; with the client fence nothing is sent',
    async name => {
      // GIVEN only the call-level fence: the write passes it, then waits for the credentials
      actions = [];
      await writes[name](setup(false));
      // THEN it is sent although the lease lapsed before it went out (the gap)
      expect(actions).toHaveLength(1);
      // GIVEN the client fence too (autoScalingClient with a fence, as main.ts builds it)
      actions = [];
      // THEN the write is dropped after the credentials, before the request
      await expect(writes[name](setup(true))).rejects.toBeInstanceOf(NotLeaderError);
      expect(actions).toEqual([]);
    },
  );

  test('autoScalingClient with a fence (as main.ts calls it) carries the client fence', () => {
    const fence = leaderFence(() => ({ leading: true, fencingToken: 1, holder: 'replica-a' }));
    const named = (client: AutoScalingClient) =>
      client.middlewareStack.identify().filter(entry => entry.startsWith('leadershipFence'));
    expect(named(autoScalingClient('us-east-1', endpoint, fence))).toHaveLength(1);
    expect(named(autoScalingClient('us-east-1', endpoint))).toEqual([]);
  });

  test('a read still goes out without the lease', async () => {
    actions = [];
    await setup(true).describeGroups({ AutoScalingGroupNames: ['asg-a'] });
    expect(actions).toEqual(['DescribeAutoScalingGroups']);
  });
});
