/**
 * `status` against an API server that takes the connection and never answers (a private EKS
 * endpoint seen from outside its VPC behaves so when a firewall holds the packets): the read gives
 * up at its deadline (`--timeout`, 30 s by default) with the server and the fix named, exit 1, and
 * leaves no connection open, so the process ends instead of hanging. Run as processes: the
 * Kubernetes client is ES modules only, which jest does not load.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** `kafka-eks status <args>` in its own process, as `npm run status` runs it. */
function run(args: readonly string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'status', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** A kubeconfig whose current context points at `server`. */
function kubeconfig(dir: string, server: string): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: c, cluster: { server: "' + server + '" } }]',
      'users: [{ name: u, user: { token: t } }]',
      'contexts: [{ name: c, context: { cluster: c, user: u } }]',
      'current-context: c',
      '',
    ].join('\n'),
  );
  return file;
}

describe('status against an API server that never answers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'status-unanswered-'));
  const sockets: Socket[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // The kernel takes each connection into the listen backlog while this process waits in
    // spawnSync, and nothing ever answers it: the silence of a dropped or stuck endpoint.
    server = createServer(socket => {
      sockets.push(socket);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise(resolve => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives up at --timeout with exit 1, naming the server and the fix, and closes its connections', () => {
    // GIVEN a kubeconfig pointing at a server that accepts and stays silent
    const file = kubeconfig(dir, url);
    // WHEN status reads it with a short deadline
    const started = Date.now();
    const result = run(['--kubeconfig', file, '--timeout', '0.5']);
    // THEN the process ends on its own (no connection left open), in time, with the message
    expect(result.signal).toBeNull();
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `status: the API server ${url} did not answer within 0.5 s; check that this machine reaches it`,
    );
    expect(result.stderr).toContain('or give it longer with --timeout <seconds>');
    // A bad --timeout is refused with the option, the value and an example, beside other problems.
    const bad = run(['--kubeconfig', join(dir, 'missing'), '--timeout', 'soon']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`--kubeconfig: ${join(dir, 'missing')} does not exist`);
    expect(bad.stderr).toContain(
      '--timeout: "soon" is not a number of seconds above 0; for example --timeout 30',
    );
  });

  it('waits 30 s by default, as the help says', () => {
    const help = run(['--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('before giving up (default: 30)');
  });

  it('names a kubeconfig whose current context has no cluster (exit 1, not a crash)', () => {
    const file = join(dir, 'no-cluster');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\ncurrent-context: ""\n');
    const result = run(['--kubeconfig', file]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'its current context names no cluster; set one with kubectl config use-context',
    );
  });
});
