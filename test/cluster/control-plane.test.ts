/** The control plane itself: the version we built, loopback only, the CRDs served. */
import { clusterApi, clusterInfo } from './cluster-env';
import type { KubeApi } from './kube-api';

const info = clusterInfo();
let api: KubeApi;
beforeAll(() => {
  api = clusterApi();
});
afterAll(() => api.close());

describe('control plane', () => {
  it('serves the Kubernetes version that build.sh built, on 127.0.0.1', async () => {
    expect(new URL(info.server).hostname).toBe('127.0.0.1');
    expect(new URL(info.etcdUrl).hostname).toBe('127.0.0.1');
    const version = (await api.ok('GET', '/version')) as { gitVersion: string; minor: string };
    expect(version.gitVersion).toBe(info.kubeVersion);
    expect(Number(version.minor)).toBeGreaterThanOrEqual(34);
    process.stderr.write(
      `control plane ${info.kubeVersion}: ready in ${info.timings.readyMs} ms, ` +
        `CRDs in ${info.timings.crdsMs} ms\n`,
    );
  });

  it('rejects requests without credentials', async () => {
    const { KubeApi: Client } = await import('./kube-api');
    const anonymous = new Client({ ...info, token: 'not-a-token' });
    try {
      expect((await anonymous.request('GET', '/api/v1/namespaces')).status).toBe(401);
    } finally {
      anonymous.close();
    }
  });

  const crdTest = info.crdsDir === undefined ? it.skip : it;
  crdTest('serves every CRD from the shared CRD directory', async () => {
    expect(info.crdNames.length).toBeGreaterThan(0);
    for (const [apiVersion, kind] of [
      ['kafka.strimzi.io/v1', 'Kafka'],
      ['kafka.strimzi.io/v1', 'KafkaNodePool'],
      ['cert-manager.io/v1', 'Certificate'],
      ['monitoring.coreos.com/v1', 'PodMonitor'],
      ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
      ['argoproj.io/v1alpha1', 'Application'],
    ]) {
      expect(await api.mapping(apiVersion, kind)).toMatchObject({ namespaced: true });
    }
  });
});
