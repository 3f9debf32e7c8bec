/** The Pulumi program itself (`stacks/index.ts`) and `npm run plan`. */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexPlan } from '../components/plan-fixture';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

describe('stacks/index.ts', () => {
  it('builds the spec named in the stack config and exports the outputs', async () => {
    const { recordPlan } = await import('../../components/lib/plan');
    let exported: Record<string, unknown> = {};
    const resources = await recordPlan(join(ROOT, 'stacks', 'dev.yaml'), async () => {
      exported = (await import('../../stacks/index')) as Record<string, unknown>;
    });
    const plan = indexPlan(resources);
    expect(plan.ofType('eks:index:Cluster')[0]?.inputs['name']).toBe('orders-dev');
    expect(exported['clusterName']).toBe('orders-dev');
    expect(exported['bootstrapAddress']).toBe('orders-dev-kafka-bootstrap.kafka.svc:9093');
    expect(Object.keys(exported['zones'] as object)).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1c',
    ]);
  });
});

describe('npm run plan', () => {
  function plan(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(TSX, ['stacks/plan-cli.ts', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('prints every resource as JSON with type, name, parent and inputs', () => {
    const result = plan(['--config', 'stacks/prod.yaml', '--json']);
    expect(result.status).toBe(0);
    const resources = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(resources.length).toBeGreaterThan(50);
    for (const resource of resources) {
      expect(Object.keys(resource)).toEqual(['type', 'name', 'parent', 'inputs']);
    }
    const kafkaGroups = resources.filter(
      r =>
        r['type'] === 'aws:eks/nodeGroup:NodeGroup' &&
        String((r['inputs'] as Record<string, unknown>)['nodeGroupName']).includes('-kafka-'),
    );
    expect(kafkaGroups).toHaveLength(3);
  });

  it('prints a table by default', () => {
    const result = plan([]);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^TYPE\s+NAME\s+PARENT\s+KEY INPUTS$/);
    expect(result.stdout).toMatch(/\d+ resources\n$/);
  });

  it('fails with the same problems as synth on an invalid spec', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: x\nregion: us-east-1\nzones: [us-east-1a]\nkafka: { brokers: 0 }\n');
    const result = plan(['--config', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('kafka.brokers: 0 is too few');
    expect(result.stderr).toContain('Nothing was planned.');
  });
});
