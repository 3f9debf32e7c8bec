/**
 * Keeps the cluster tier's runners apart on the one control plane they share (shared-plane.ts):
 * every file here that creates Nodes either takes a fresh plane from the pool, gives its Kafka
 * nodes a label value of its own, or creates only nodes no listing selects (named below, with why).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controllerConfigFromSpec } from '../../controller/config';
import { loadSpecFile } from '../../spec/load';
import { isolatedConfig } from './shared-plane';
import { REPO } from './tools';

/** Files creating only Nodes without the Kafka label, on the shared plane. */
const UNLABELLED_ONLY: Record<string, string> = {
  'admission-fence-scenarios.ts':
    'one node without the Kafka label, written to by name; no suite lists unlabelled nodes',
};

describe('runners on the shared control plane', () => {
  const dir = join(REPO, 'test/cluster');
  const creators = readdirSync(dir)
    .filter(f => f.endsWith('.ts') && f !== 'shared-plane.test.ts')
    .filter(f => readFileSync(join(dir, f), 'utf8').includes("'/api/v1/nodes'"));

  it('finds the files that create nodes', () => {
    expect(creators.length).toBeGreaterThanOrEqual(4);
  });

  it.each(creators)('%s keeps its nodes apart', file => {
    const source = readFileSync(join(dir, file), 'utf8');
    const freshPlane = source.includes('ControlPlanePool');
    const ownLabel =
      source.includes('isolatedConfig(') || /kafkaNodeLabel:\s*\{[^}]*fixture\./.test(source);
    expect({ file, ok: freshPlane || ownLabel || file in UNLABELLED_ONLY }).toEqual({
      file,
      ok: true,
    });
  });

  it('gives each runner a Kafka node label value of its own', () => {
    const base = controllerConfigFromSpec(loadSpecFile(join(REPO, 'stacks/prod.yaml')));
    const values = ['adapter-it', 'conformance-it', 'status-it'].map(
      r => isolatedConfig(base, r).kafkaNodeLabel.value,
    );
    expect(new Set(values).size).toBe(3);
    expect(values).not.toContain(base.kafkaNodeLabel.value);
  });
});
