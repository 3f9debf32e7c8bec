/**
 * The controller image, started against the cluster tier's real API server: the image's Node
 * runtime loads the bundle, reads its configuration file, reaches the API server over TLS with a
 * kubeconfig, wins its leader Lease, serves /healthz, and writes its last decision (a hold: there
 * is no Prometheus and no AWS here).
 *
 * Needs an image built by `npm run image -- --no-push ...` (buildah) and its reference in
 * `KAFKA_EKS_CONTROLLER_IMAGE`; `.ci/run` builds one with `--debian-base`. Without the variable the
 * suite is skipped and says so on stderr. The container runs with buildah (runc), host network.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerConfigFromSpec, type ControllerConfig } from '../../controller/config';
import { decisionConfigMapName } from '../../controller/decision-record';
import { loadSpecFile } from '../../spec/load';
import { clusterApi, clusterInfo } from './cluster-env';
import { isolatedConfig } from './shared-plane';
import { REPO } from './tools';

const IMAGE = process.env.KAFKA_EKS_CONTROLLER_IMAGE;
const NAMESPACE = 'image-it';
const STORAGE = ['--storage-driver', process.env.STORAGE_DRIVER ?? 'vfs'];

if (IMAGE === undefined) {
  process.stderr.write(
    'skipping the image test: KAFKA_EKS_CONTROLLER_IMAGE is not set (build one with npm run image -- --no-push)\n',
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

(IMAGE === undefined ? describe.skip : describe)('controller image on a real API server', () => {
  const api = clusterApi();
  const dir = mkdtempSync(join(tmpdir(), 'image-it-'));
  let container = '';
  let run: ChildProcess | undefined;
  let output = '';
  let config: ControllerConfig;

  beforeAll(async () => {
    const base = controllerConfigFromSpec(loadSpecFile(join(REPO, 'stacks/prod.yaml')));
    // A namespace and a Kafka node label of its own: the controller lists the Kafka nodes of the
    // plane the other suites share, and must not see (or act on) theirs.
    config = {
      ...isolatedConfig(base, NAMESPACE),
      kafkaNamespace: `${NAMESPACE}-kafka`,
      prometheusUrl: 'http://127.0.0.1:9',
      httpPort: await freePort(),
    };
    await api.ok('POST', '/api/v1/namespaces', {
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config), { mode: 0o644 });
    writeFileSync(join(dir, 'kubeconfig'), readFileSync(clusterInfo().kubeconfigPath), {
      mode: 0o644,
    });
    const from = spawnSync('buildah', [...STORAGE, 'from', '--pull=never', IMAGE ?? ''], {
      encoding: 'utf8',
    });
    if (from.status !== 0) throw new Error(`buildah from ${IMAGE}: ${from.stderr}`);
    container = from.stdout.trim().split('\n').pop() ?? '';
    run = spawn(
      'buildah',
      [
        ...STORAGE,
        'run',
        '--network',
        'host',
        '-v',
        `${dir}:/etc/kafka-autoscaler:ro`,
        '--env',
        'CONFIG_PATH=/etc/kafka-autoscaler/config.json',
        '--env',
        'KUBECONFIG=/etc/kafka-autoscaler/kubeconfig',
        '--env',
        'POD_NAME=image-it-replica',
        '--env',
        'AWS_ENDPOINT_URL=http://127.0.0.1:9',
        '--env',
        'AWS_ACCESS_KEY_ID=test',
        '--env',
        'AWS_SECRET_ACCESS_KEY=test',
        container,
        '--',
        '/nodejs/bin/node',
        '/app/main.js',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    run.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    run.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }, 120_000);

  afterAll(async () => {
    if (run !== undefined && run.exitCode === null) {
      run.kill('SIGTERM');
      await new Promise(resolve => setTimeout(resolve, 2000));
      if (run.exitCode === null) run.kill('SIGKILL');
    }
    if (container !== '') spawnSync('buildah', [...STORAGE, 'rm', container]);
  }, 30_000);

  it('runs as the nonroot user and serves /healthz', async () => {
    const inspect = spawnSync(
      'buildah',
      [...STORAGE, 'inspect', '--format', '{{.OCIv1.Config.User}}', IMAGE ?? ''],
      { encoding: 'utf8' },
    );
    expect(inspect.stdout.trim()).toBe('65532:65532');
    const status = await eventually(
      `/healthz on port ${config.httpPort} (output so far: ${output})`,
      async () => {
        const response = await fetch(`http://127.0.0.1:${config.httpPort}/healthz`);
        return response.status;
      },
    );
    expect(status).toBe(200);
  }, 90_000);

  it('wins its leader Lease on the API server', async () => {
    const lease = (await eventually(`the Lease (output so far: ${output})`, async () =>
      api.ok(
        'GET',
        `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${config.leaderElection.leaseName}`,
      ),
    )) as { spec?: { holderIdentity?: string } };
    expect(lease.spec?.holderIdentity).toBe('image-it-replica');
  }, 90_000);

  it('writes its last decision, a hold for stale data (no Prometheus, no AWS here)', async () => {
    const map = (await eventually(`the status ConfigMap (output so far: ${output})`, async () =>
      api.ok(
        'GET',
        `/api/v1/namespaces/${NAMESPACE}/configmaps/${decisionConfigMapName(config.clusterName)}`,
      ),
    )) as { data?: Record<string, string> };
    const record = JSON.parse(map.data?.['last-decision.json'] ?? '{}') as {
      reason?: string;
      holder?: string;
    };
    expect(record.holder).toBe('image-it-replica');
    expect(record.reason).toBe('stale-data');
  }, 120_000);
});
