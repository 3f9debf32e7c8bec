/**
 * Every object that `npm run synth` writes, for both example specs and varied specs, applied to a
 * real kube-apiserver with server-side apply and `dryRun=All`: name formats, immutable and
 * exclusive fields, defaulting, CRD schemas and CEL rules are the server's to judge.
 */
import { clusterApi, clusterInfo } from './cluster-env';
import { dryRunAll, kindCounts } from './dry-run';
import type { KubeApi } from './kube-api';
import { allSpecs } from './specs';
import { synthObjects, type PlacedObject } from './synth-objects';

const info = clusterInfo();
const crdsMissing = info.crdsDir === undefined;
if (crdsMissing) {
  process.stderr.write(
    'skipping synth dry-run: no ../shared/crds and no PLATFORM_CRDS_DIR (custom resources)\n',
  );
}

let api: KubeApi;
beforeAll(() => {
  api = clusterApi();
});
afterAll(() => api.close());

(crdsMissing ? describe.skip : describe)(
  'synthesized objects pass server-side dry-run apply',
  () => {
    it.each(allSpecs().map(s => [s.label, s] as const))('%s', async (label, { loaded }) => {
      const placed = synthObjects(loaded);
      expect(placed.length).toBeGreaterThan(0);
      const outcome = await dryRunAll(api, placed);
      process.stderr.write(
        `${label}: ${outcome.accepted}/${placed.length} accepted (${kindCounts(placed)})\n`,
      );
      if (outcome.warnings.length > 0) {
        process.stderr.write(`${label}: server warnings:\n  ${outcome.warnings.join('\n  ')}\n`);
      }
      expect(outcome.rejections).toEqual([]);
      expect(outcome.accepted).toBe(placed.length);
      // Pod Security (restricted on our namespaces) and deprecations show up as warnings.
      expect(outcome.warnings).toEqual([]);
    });

    it('reports a workload that Pod Security would refuse, as a warning', async () => {
      const outcome = await dryRunAll(api, [
        {
          component: 'probe',
          object: {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: 'psa-probe',
              labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
            },
          },
          defaultNamespace: 'psa-probe',
        },
        {
          component: 'probe',
          object: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'root-app', namespace: 'psa-probe' },
            spec: {
              selector: { matchLabels: { app: 'root-app' } },
              template: {
                metadata: { labels: { app: 'root-app' } },
                spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] },
              },
            },
          },
          defaultNamespace: 'psa-probe',
        },
      ]);
      expect(outcome.rejections).toEqual([]);
      expect(outcome.warnings).toEqual([
        expect.stringMatching(
          /^probe: Deployment psa-probe\/root-app: would violate PodSecurity "restricted/,
        ),
      ]);
    });

    it('reports a rejection with the object and the server message', async () => {
      const bad: PlacedObject = {
        component: 'probe',
        object: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'Not_A_DNS_Name' },
          data: { key: 'value' },
        },
        defaultNamespace: 'default',
      };
      const outcome = await dryRunAll(api, [bad]);
      expect(outcome.rejections).toHaveLength(1);
      expect(outcome.rejections[0]).toMatch(
        /^probe: ConfigMap default\/Not_A_DNS_Name: HTTP 422: /,
      );
      expect(outcome.rejections[0]).toMatch(/RFC 1123/);
    });

    it('rejects what only the server knows: an immutable field changed, a CRD schema and a CEL rule broken', async () => {
      const name = 'immutable-probe';
      const created = await api.apply(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, namespace: 'default' },
          immutable: true,
          data: { a: '1' },
        },
        { dryRun: false },
      );
      expect(created.status).toBe(201);
      // Created for real in the namespace every suite shares: removed however this test ends.
      const outcome = await dryRunAll(api, [
        {
          component: 'probe',
          object: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name, namespace: 'default' },
            immutable: true,
            data: { a: '2' },
          },
          defaultNamespace: 'default',
        },
        {
          component: 'probe',
          object: {
            apiVersion: 'kafka.strimzi.io/v1',
            kind: 'KafkaTopic',
            metadata: { name: 'bad-topic', namespace: 'default' },
            spec: { partitions: 0 },
          },
          defaultNamespace: 'default',
        },
      ]).finally(() => api.request('DELETE', `/api/v1/namespaces/default/configmaps/${name}`));
      expect(outcome.rejections).toEqual([
        expect.stringMatching(/^probe: ConfigMap default\/immutable-probe: HTTP 422: .*immutable/),
        expect.stringMatching(
          /^probe: KafkaTopic default\/bad-topic: HTTP 422: .*spec\.partitions/,
        ),
      ]);
    });
  },
);
