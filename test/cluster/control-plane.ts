/**
 * A real Kubernetes control plane on loopback for the cluster test tier: etcd and kube-apiserver
 * (built by `scripts/cluster/build.sh`), a throwaway data directory, self-made certificates
 * (openssl), a static bearer token for a `system:masters` user. Everything listens on 127.0.0.1.
 *
 * `startControlPlane` waits for `/readyz`, installs the CRDs from `../shared/crds` (or
 * `PLATFORM_CRDS_DIR`) and waits until they are Established. `stop` ends both processes and removes
 * the data directory; a detached watchdog does the same if the test process dies without calling it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeApi, statusMessage, type Connection } from './kube-api';
import { REPO, toolPath } from './tools';
import { standInCrdsFor } from './stand-in-crds';

const HOST = '127.0.0.1';

/** What tests need to reach the control plane; written to a JSON file for jest workers. */
export interface ControlPlaneInfo extends Connection {
  readonly etcdUrl: string;
  readonly dataDir: string;
  readonly kubeconfigPath: string;
  /** CRD directory that was installed, or undefined when none was found. */
  readonly crdsDir: string | undefined;
  readonly crdNames: readonly string[];
  readonly kubeVersion: string;
  readonly timings: { readonly readyMs: number; readonly crdsMs: number };
}

export interface ControlPlane {
  readonly info: ControlPlaneInfo;
  stop(): Promise<void>;
  /** Synchronous last resort for process exit handlers. */
  killNow(): void;
}

/** `../shared/crds` beside the checkout, or `PLATFORM_CRDS_DIR`; undefined when neither exists. */
export function findCrdsDir(): string | undefined {
  const candidates = [process.env.PLATFORM_CRDS_DIR, resolve(REPO, '../shared/crds')];
  return candidates.find(
    (dir): dir is string => dir !== undefined && dir !== '' && existsSync(dir),
  );
}

/** Paths of kube-apiserver and etcd. */
export function findBinaries(): { kubeApiserver: string; etcd: string } {
  const kubeApiserver = toolPath('kube-apiserver');
  const etcd = toolPath('etcd');
  if (kubeApiserver === undefined || etcd === undefined) {
    throw new Error('kube-apiserver or etcd missing: run scripts/cluster/build.sh');
  }
  return { kubeApiserver, etcd };
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** CA, serving certificate for 127.0.0.1, and the service-account signing key (all P-256). */
function makeCertificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  // prettier-ignore
  openssl(dir, [
    'req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2',
    '-subj', '/CN=kafka-eks-cluster-tier-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  // prettier-ignore
  openssl(dir, [
    'req', ...ec, '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver',
  ]);
  writeFileSync(
    join(dir, 'apiserver.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc',
      'extendedKeyUsage=serverAuth',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      '',
    ].join('\n'),
  );
  // prettier-ignore
  openssl(dir, [
    'x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key',
    '-CAcreateserial', '-out', 'apiserver.crt', '-days', '2', '-extfile', 'apiserver.ext',
  ]);
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'sa.key']);
  openssl(dir, ['ec', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function startProcess(binary: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(binary, args, { stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  alive: () => string | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = alive();
    if (dead !== undefined) throw new Error(`${what}: ${dead}`);
    try {
      if (await check()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await sleep(150);
  }
}

/** Every CustomResourceDefinition in the YAML files under `dir`. */
export function readCrds(dir: string): Array<Record<string, unknown>> {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry)) files.push(path);
    }
  };
  walk(dir);
  return files.flatMap(file =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map(doc => doc.toJS() as Record<string, unknown> | null)
      .filter(
        (doc): doc is Record<string, unknown> =>
          doc !== null && doc.kind === 'CustomResourceDefinition',
      ),
  );
}

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

async function installCrds(api: KubeApi, dir: string): Promise<string[]> {
  const real = readCrds(dir);
  // Kinds the output emits without a CRD in the folder get a stand-in (test/cluster/stand-in-crds.ts).
  const crds = [
    ...real,
    ...standInCrdsFor(real.map(crd => (crd.metadata as { name: string }).name)),
  ];
  const names: string[] = [];
  await Promise.all(
    crds.map(async crd => {
      const spec = crd.spec as { conversion?: { strategy?: string } };
      if (spec.conversion?.strategy === 'Webhook') {
        // A conversion webhook would make the API server call a Service that does not exist here
        // (and off loopback); every CRD we ship serves one version, so None is equivalent.
        spec.conversion = { strategy: 'None' };
      }
      const response = await api.request('POST', CRD_PATH, { body: crd });
      const name = (crd.metadata as { name: string }).name;
      if (response.status !== 201) {
        throw new Error(`CRD ${name}: HTTP ${response.status}: ${statusMessage(response.body)}`);
      }
      names.push(name);
    }),
  );
  const pending = new Set(names);
  const deadline = Date.now() + 60_000;
  while (pending.size > 0) {
    for (const name of [...pending]) {
      const crd = (await api.ok('GET', `${CRD_PATH}/${name}`)) as {
        status?: { conditions?: Array<{ type: string; status: string }> };
      };
      const conditions = crd.status?.conditions ?? [];
      if (conditions.some(c => c.type === 'Established' && c.status === 'True')) {
        pending.delete(name);
      }
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      throw new Error(`CRDs not Established after 60 s: ${[...pending].join(', ')}`);
    }
    await sleep(100);
  }
  return names.sort();
}

function kubeconfig(info: Connection): string {
  const ca = Buffer.from(info.caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: cluster-tier\n  cluster:\n    server: ${info.server}\n    certificate-authority-data: ${ca}`,
    'users:',
    `- name: admin\n  user:\n    token: ${info.token}`,
    'contexts:',
    '- name: cluster-tier\n  context:\n    cluster: cluster-tier\n    user: admin',
    'current-context: cluster-tier',
    '',
  ].join('\n');
}

/**
 * A shell loop, detached from the test process, that ends etcd and the API server and removes
 * the data directory once the test process is gone (even after SIGKILL).
 */
function startWatchdog(pids: number[], dataDir: string): ChildProcess {
  const script =
    'parent=$1; dir=$2; shift 2; ' +
    'while kill -0 "$parent" 2>/dev/null; do sleep 1; done; ' +
    'kill "$@" 2>/dev/null; sleep 3; kill -9 "$@" 2>/dev/null; rm -rf "$dir"';
  const watchdog = spawn(
    'bash',
    ['-c', script, 'watchdog', String(process.pid), dataDir, ...pids.map(String)],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  return watchdog;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(r => child.once('exit', () => r()));
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(r => {
    timer = setTimeout(() => r('timeout'), 10_000);
  });
  const outcome = await Promise.race([exited(child).then(() => 'exited' as const), timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited(child);
  }
}

/** Flags of an API server on `port` that uses the certificates and keys in `dataDir`. */
function apiServerArgs(dataDir: string, etcdUrl: string, port: number): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--etcd-compaction-interval=0', // the tests compact on purpose
    `--bind-address=${HOST}`,
    `--advertise-address=${HOST}`,
    `--secure-port=${port}`,
    `--cert-dir=${dataDir}`,
    `--tls-cert-file=${join(dataDir, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(dataDir, 'apiserver.key')}`,
    `--client-ca-file=${join(dataDir, 'ca.crt')}`,
    `--token-auth-file=${join(dataDir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-key-file=${join(dataDir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dataDir, 'sa.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.96.0.0/16',
    '--endpoint-reconciler-type=none', // no endpoints for a loopback advertise address
    '--allow-privileged=true', // as on EKS
    '--profiling=false',
  ];
}

/**
 * A second API server on the same etcd, as a highly available control plane has (EKS runs at
 * least two). Its watch cache starts at the current revision, so a client that reconnects to it
 * with an older resourceVersion gets 410 Gone. Stop it with `stop()`.
 */
export async function startSecondApiServer(
  info: ControlPlaneInfo,
): Promise<{ readonly connection: Connection; stop(): Promise<void> }> {
  const { kubeApiserver } = findBinaries();
  const port = await freePort();
  const logDir = mkdtempSync(join(tmpdir(), 'kafka-eks-apiserver-'));
  const log = join(logDir, 'kube-apiserver.log');
  const child = startProcess(kubeApiserver, apiServerArgs(info.dataDir, info.etcdUrl, port), log);
  const watchdog = startWatchdog(child.pid === undefined ? [] : [child.pid], logDir);
  const connection: Connection = {
    server: `https://${HOST}:${port}`,
    caPem: info.caPem,
    token: info.token,
  };
  const stop = async (): Promise<void> => {
    await terminate(child);
    if (watchdog.pid !== undefined) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(logDir, { recursive: true, force: true });
  };
  const api = new KubeApi(connection);
  try {
    await waitFor(
      'second kube-apiserver',
      async () => (await api.request('GET', '/readyz')).status === 200,
      120_000,
      () => (child.exitCode === null ? undefined : `exited (${child.exitCode}):\n${tail(log)}`),
    );
    return { connection, stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    api.close();
  }
}

export async function startControlPlane(
  options: { crdsDir?: string | undefined; log?: (line: string) => void } = {},
): Promise<ControlPlane> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const binaries = findBinaries();
  const kubeVersion = execFileSync(binaries.kubeApiserver, ['--version'], { encoding: 'utf8' })
    .trim()
    .replace(/^Kubernetes /, '');
  const dataDir = mkdtempSync(join(tmpdir(), 'kafka-eks-cluster-'));
  const children: ChildProcess[] = [];
  let watchdog: ChildProcess | undefined;
  let stopped = false;

  const killNow = (): void => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // API server first (it holds etcd connections), then etcd.
    for (const child of [...children].reverse()) await terminate(child);
    if (watchdog?.pid !== undefined) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    makeCertificates(dataDir);
    const token = randomBytes(24).toString('hex');
    writeFileSync(join(dataDir, 'tokens.csv'), `${token},admin,admin-uid,"system:masters"\n`);
    const [etcdPort, peerPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const etcdUrl = `http://${HOST}:${etcdPort}`;
    const peerUrl = `http://${HOST}:${peerPort}`;

    const etcdLog = join(dataDir, 'etcd.log');
    const etcd = startProcess(
      binaries.etcd,
      [
        '--name=cluster-tier',
        `--data-dir=${join(dataDir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=cluster-tier=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      etcdLog,
    );
    children.push(etcd);
    const etcdAlive = (): string | undefined =>
      etcd.exitCode === null ? undefined : `etcd exited (${etcd.exitCode}):\n${tail(etcdLog)}`;
    await waitFor(
      'etcd',
      async () => {
        const res = await fetch(`${etcdUrl}/health`);
        return res.ok && ((await res.json()) as { health?: string }).health === 'true';
      },
      30_000,
      etcdAlive,
    );
    log(`etcd ready on ${etcdUrl} after ${Date.now() - started} ms`);

    const apiLog = join(dataDir, 'kube-apiserver.log');
    const apiserver = startProcess(
      binaries.kubeApiserver,
      apiServerArgs(dataDir, etcdUrl, apiPort),
      apiLog,
    );
    children.push(apiserver);
    watchdog = startWatchdog(
      children.map(c => c.pid).filter((pid): pid is number => pid !== undefined),
      dataDir,
    );

    const caPem = readFileSync(join(dataDir, 'ca.crt'), 'utf8');
    const connection: Connection = { server: `https://${HOST}:${apiPort}`, caPem, token };
    const api = new KubeApi(connection);
    try {
      await waitFor(
        'kube-apiserver',
        async () => (await api.request('GET', '/readyz')).status === 200,
        120_000,
        () =>
          etcdAlive() ??
          (apiserver.exitCode === null
            ? undefined
            : `kube-apiserver exited (${apiserver.exitCode}):\n${tail(apiLog)}`),
      );
      const readyMs = Date.now() - started;
      log(`kube-apiserver ${kubeVersion} ready on ${connection.server} after ${readyMs} ms`);

      const crdsDir = options.crdsDir;
      const crdNames = crdsDir === undefined ? [] : await installCrds(api, crdsDir);
      await api.discover();
      const crdsMs = Date.now() - started - readyMs;
      if (crdsDir !== undefined) log(`${crdNames.length} CRDs Established after ${crdsMs} ms`);

      const kubeconfigPath = join(dataDir, 'kubeconfig');
      writeFileSync(kubeconfigPath, kubeconfig(connection));
      const info: ControlPlaneInfo = {
        ...connection,
        etcdUrl,
        dataDir,
        kubeconfigPath,
        crdsDir,
        crdNames,
        kubeVersion,
        timings: { readyMs, crdsMs },
      };
      return { info, stop, killNow };
    } finally {
      api.close();
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The etcd revision and a physical compaction up to it: older resourceVersions are then gone. */
export async function compactEtcd(etcdUrl: string): Promise<number> {
  const post = async (path: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${etcdUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`etcd ${path}: HTTP ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const range = (await post('/v3/kv/range', {
    key: Buffer.from('/registry').toString('base64'),
    count_only: true,
  })) as { header: { revision: string } };
  const revision = Number(range.header.revision);
  await post('/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}
