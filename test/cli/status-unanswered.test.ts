/**
 * `status` against an API server that takes the connection and never answers (a private EKS
 * endpoint seen from outside its VPC behaves so when a firewall holds the packets): the read gives
 * up at its deadline (`--timeout`, 30 s by default) with the server and the fix named, exit 1, and
 * leaves no connection open, so the process ends instead of hanging. Run as processes: the
 * Kubernetes client is ES modules only, which jest does not load.
 */
import { execFile, spawnSync } from 'node:child_process';
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

/**
 * The same, without blocking this process: the test's server keeps running its event loop, so the
 * times it stamps on each connection are when the connection opened and closed.
 */
function runAsync(
  args: readonly string[],
): Promise<{ status: number | null; signal: string | null; stderr: string }> {
  return new Promise(resolve => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/main.ts', 'status', ...args],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
      (_error, _stdout, stderr) =>
        resolve({ status: child.exitCode, signal: child.signalCode, stderr }),
    );
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
  /** Each connection's open and close times (ms since the epoch), stamped by the server. */
  const lifetimes: Array<{ opened: number; closed?: number }> = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // The kernel takes each connection into the listen backlog while this process waits in
    // spawnSync, and nothing ever answers it: the silence of a dropped or stuck endpoint.
    server = createServer(socket => {
      sockets.push(socket);
      const lifetime: { opened: number; closed?: number } = { opened: Date.now() };
      lifetimes.push(lifetime);
      socket.on('close', () => (lifetime.closed = Date.now()));
      socket.on('error', () => undefined);
      // Read (and drop) what the client sends, so its close reaches this side; nothing answers.
      socket.resume();
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

  it('gives up at --timeout with exit 1, naming the server and the fix, and closes its connections', async () => {
    // GIVEN a kubeconfig pointing at a server that accepts and stays silent
    const file = kubeconfig(dir, url);
    // WHEN status reads it with a short deadline
    const result = await runAsync(['--kubeconfig', file, '--timeout', '0.5']);
    // THEN the process ends on its own (no connection left open: the spawn's 120 s timeout would
    // kill it), with the message
    expect(result.signal).toBeNull();
    // AND it gave up at the deadline, not the 30 s default: the server saw every connection
    // close well inside 30 s. Timed by the server from the connection's opening, so the process's
    // start-up (tens of seconds on a loaded CI machine) does not count (stop 36: a bound on the
    // whole run's wall time failed at 25.9 s under load).
    expect(lifetimes.length).toBeGreaterThan(0);
    // (The server hears of a close a moment after the process has gone.)
    for (
      let waited = 0;
      lifetimes.some(l => l.closed === undefined) && waited < 10_000;
      waited += 50
    ) {
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    for (const { opened, closed } of lifetimes) {
      expect(closed).toBeDefined();
      expect((closed ?? Infinity) - opened).toBeLessThan(15_000);
    }
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
