/**
 * Keeps the cluster tier's runners apart on the one control plane they share (shared-plane.ts).
 * A scan of the files here: every file that creates Nodes on the shared plane marks them with its
 * owner label (so it can delete them all, Kafka label or not), every file that builds a controller
 * configuration from an example stack for the shared plane gives it a Kafka node label of its own,
 * and no two runners use the same namespace. globalTeardown judges the same rule on the real
 * plane (the leftovers audit); the pure parts of that audit are checked here too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controllerConfigFromSpec } from '../../controller/config';
import { loadSpecFile } from '../../spec/load';
import {
  AUDITED_COLLECTIONS,
  OWNER_LABEL,
  isolatedConfig,
  leftovers,
  leftoversMessage,
  ownerLabels,
} from './shared-plane';
import { REPO } from './tools';

const dir = join(REPO, 'test/cluster');
/** The helpers themselves and this test: they name the paths without writing to them. */
const HELPERS = new Set(['shared-plane.ts', 'shared-plane.test.ts']);
const sources = readdirSync(dir)
  .filter(f => f.endsWith('.ts') && !HELPERS.has(f))
  .map(file => ({ file, source: readFileSync(join(dir, file), 'utf8') }));

/**
 * Whether `source` works on the plane globalSetup started: a test file reading it through
 * cluster-env.ts, or a runner process given its state file as its first argument. Files taking
 * fresh planes from the pool (plane-pool.ts) do not.
 */
function onSharedPlane(source: string): boolean {
  if (source.includes('ControlPlanePool')) return false;
  return (
    source.includes("from './cluster-env'") ||
    /JSON\.parse\(readFileSync\(process\.argv\[2\][^)]*\)/.test(source)
  );
}

const shared = sources.filter(s => onSharedPlane(s.source));

describe('runners on the shared control plane', () => {
  it('finds the files that work on the shared plane', () => {
    expect(shared.map(s => s.file)).toEqual(
      expect.arrayContaining([
        'adapter-scenarios.ts',
        'admission-fence-scenarios.ts',
        'kube-conformance-runner.ts',
        'status-fixture.ts',
        'synth-dry-run.test.ts',
      ]),
    );
  });

  const nodeCreators = shared.filter(s => /'POST',\s*'\/api\/v1\/nodes'/.test(s.source));

  it('finds the files that create nodes there', () => {
    expect(nodeCreators.length).toBeGreaterThanOrEqual(4);
  });

  it.each(nodeCreators.map(s => [s.file, s.source]))(
    '%s marks every node it creates with its owner label and deletes them by it',
    (file, source) => {
      // Both halves: the label on create, and a delete by it (here or in the test that starts it).
      const test = sources.find(s => s.source.includes(`'${file}')`))?.source ?? '';
      expect({
        file,
        labels: source.includes('ownerLabels('),
        deletes: source.includes('deleteOwnedNodes(') || test.includes('deleteOwnedNodes('),
      }).toEqual({ file, labels: true, deletes: true });
    },
  );

  const configBuilders = shared.filter(s => s.source.includes('controllerConfigFromSpec('));

  it('finds the files that build a controller configuration there', () => {
    expect(configBuilders.length).toBeGreaterThanOrEqual(5);
  });

  it.each(configBuilders.map(s => [s.file, s.source]))(
    '%s gives its controller configuration a Kafka node label of its own',
    (file, source) => {
      // The label value is `<spec name>-kafka`, the same in every file that loads one example
      // stack: a controller (or an adapter listing "the Kafka nodes") would see every other
      // suite's nodes. Its own label: isolatedConfig, the status fixture's cluster name, or a
      // spec of its own name.
      const ownLabel =
        source.includes('isolatedConfig(') ||
        /kafkaNodeLabel:\s*\{[^}]*fixture\./.test(source) ||
        /specInput\([^)]*\bname: '[a-z0-9-]+'/.test(source);
      expect({ file, ownLabel }).toEqual({ file, ownLabel: true });
    },
  );

  it('no two runners on the shared plane use the same namespace', () => {
    const namespaces = shared.flatMap(({ file, source }) =>
      [...source.matchAll(/^const NAMESPACE = '([a-z0-9-]+)';$/gm)].map(m => `${m[1]} ${file}`),
    );
    expect(namespaces.length).toBeGreaterThanOrEqual(4);
    const names = namespaces.map(n => n.split(' ')[0]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives each runner a Kafka node label value of its own', () => {
    const base = controllerConfigFromSpec(loadSpecFile(join(REPO, 'stacks/prod.yaml')));
    const values = ['adapter-it', 'conformance-it', 'image-it'].map(
      r => isolatedConfig(base, r).kafkaNodeLabel.value,
    );
    expect(new Set(values).size).toBe(3);
    expect(values).not.toContain(base.kafkaNodeLabel.value);
    expect(ownerLabels('adapter-it')).toEqual({ [OWNER_LABEL]: 'adapter-it' });
  });
});

describe('the leftovers audit of globalTeardown', () => {
  const node = (name: string) => `/api/v1/nodes/${name}`;

  it('names what is there after and was not before, and nothing else', () => {
    const before = [node('kind-a'), '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin'];
    const after = [node('st-a-1'), node('kind-a'), node('conf-instance-a')];
    expect(leftovers(before, after)).toEqual([node('conf-instance-a'), node('st-a-1')]);
    expect(leftovers(after, after)).toEqual([]);
    // Something deleted that was there before is not a leftover.
    expect(leftovers(after, [])).toEqual([]);
  });

  it('says which objects were left and how to fix it', () => {
    const message = leftoversMessage([node('st-a-1')]);
    expect(message).toContain('/api/v1/nodes/st-a-1');
    expect(message).toContain('deleteOwnedNodes');
  });

  it('audits Nodes and the cluster-scoped kinds a runner writes', () => {
    expect(AUDITED_COLLECTIONS).toEqual(
      expect.arrayContaining([
        '/api/v1/nodes',
        '/apis/rbac.authorization.k8s.io/v1/clusterroles',
        '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
        '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies',
        '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings',
      ]),
    );
  });
});
