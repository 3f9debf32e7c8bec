/** Hourly cost at each level for any spec, and the `cost` command. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { HOURS_PER_MONTH, defaultPrices, levelCosts, type Prices } from '../../simulator/cost';
import { parseSpec } from '../../spec/load';
import { exampleSpec, specInput } from '../util/specs';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function pricesFor(loaded: ReturnType<typeof parseSpec>): Prices {
  const { prices, unknown } = defaultPrices(loaded.spec, loaded.plan);
  expect(unknown).toEqual([]);
  return prices as Prices;
}

function item(level: ReturnType<typeof levelCosts>[number], name: string): number | undefined {
  return level.items.find(each => each.item === name)?.perHour;
}

describe('levelCosts', () => {
  it('prices the prod example at its three levels from the instance table', () => {
    const loaded = exampleSpec('prod');
    const levels = levelCosts(loaded.spec, pricesFor(loaded), loaded.plan);
    expect(levels.map(level => level.nodesPerZone)).toEqual([1, 2, 4]);
    // 3 x m6i.2xlarge at $0.384 per zone level.
    expect(levels.map(level => item(level, 'Kafka nodes'))).toEqual([
      3 * 0.384,
      6 * 0.384,
      12 * 0.384,
    ]);
    expect(item(levels[0]!, 'EKS control plane')).toBe(0.1);
    expect(item(levels[0]!, 'NLBs')).toBeCloseTo(13 * 0.0225, 10);
    // 12 x (500 GiB x 0.08 + 125 MiB/s above the free 125 x 0.04) per month.
    expect(item(levels[0]!, 'Broker volumes')).toBeCloseTo(
      (12 * (500 * 0.08 + 125 * 0.04)) / 730,
      10,
    );
    // 3 system nodes (nodes.system.min, one per KRaft controller) at $0.096.
    expect(item(levels[0]!, 'System nodes')).toBeCloseTo(3 * 0.096, 10);
    expect(levels[0]!.totalPerHour).toBeCloseTo(2.747, 2);
  });

  it('charges no NAT gateways in an existing VPC and no NLBs without external access', () => {
    const loaded = parseSpec(
      specInput(3, 4, {
        kafka: {
          brokers: 12,
          topics: [{ name: 'events', partitions: 12 }],
          external: { enabled: false },
        },
        cluster: {
          vpcCidr: '10.1.0.0/16',
          existingVpc: {
            vpcId: 'vpc-0123456789abcdef0',
            privateSubnetIds: {
              'us-west-2a': 'subnet-0a0a0a0a',
              'us-west-2b': 'subnet-0b0b0b0b',
              'us-west-2c': 'subnet-0c0c0c0c',
            },
          },
        },
      } as never),
    );
    const names = levelCosts(loaded.spec, pricesFor(loaded), loaded.plan)[0]!.items.map(
      each => each.item,
    );
    expect(names).not.toContain('NAT gateways');
    expect(names).not.toContain('NLBs');
  });

  it('leaves out the control plane and system nodes of a cluster the platform joins', () => {
    const loaded = parseSpec(
      specInput(3, 4, {
        cluster: {
          vpcCidr: '10.1.0.0/16',
          existingVpc: {
            vpcId: 'vpc-0123456789abcdef0',
            privateSubnetIds: {
              'us-west-2a': 'subnet-aaaaaaaa',
              'us-west-2b': 'subnet-bbbbbbbb',
              'us-west-2c': 'subnet-cccccccc',
            },
          },
          existing: { name: 'shared-eks' },
        },
      }),
    );
    const [lowest] = levelCosts(loaded.spec, pricesFor(loaded), loaded.plan);
    const names = lowest!.items.map(each => each.item);
    expect(names).not.toContain('EKS control plane');
    expect(names).not.toContain('System nodes');
    expect(lowest!.items.find(each => each.item === 'Node root volumes')?.basis).toMatch(
      /^3 x 50 GiB/,
    );
  });

  it('uses every overridden price, and the total is the sum of the items (property)', () => {
    const loaded = exampleSpec('prod');
    const price = fc.double({ min: 0, max: 10, noNaN: true });
    fc.assert(
      fc.property(fc.record({ kafka: price, eks: price, nlb: price, gib: price }), p => {
        const prices: Prices = {
          ...pricesFor(loaded),
          kafkaNodePerHour: p.kafka,
          eksControlPlanePerHour: p.eks,
          nlbPerHour: p.nlb,
          gp3PerGiMonth: p.gib,
        };
        const levels = levelCosts(loaded.spec, prices, loaded.plan);
        for (const level of levels) {
          expect(item(level, 'Kafka nodes')).toBeCloseTo(level.nodesPerZone * 3 * p.kafka, 9);
          expect(item(level, 'EKS control plane')).toBe(p.eks);
          expect(item(level, 'NLBs')).toBeCloseTo(13 * p.nlb, 9);
          expect(item(level, 'KRaft controller volumes')).toBeCloseTo(
            (3 * 20 * p.gib) / HOURS_PER_MONTH,
            9,
          );
          const sum = level.items.reduce((total, each) => total + each.perHour, 0);
          expect(level.totalPerHour).toBeCloseTo(sum, 9);
        }
        // A higher level never costs less.
        for (let i = 1; i < levels.length; i += 1) {
          expect(levels[i]!.totalPerHour).toBeGreaterThanOrEqual(levels[i - 1]!.totalPerHour);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('reports the system node price as unknown for an instance type outside the table', () => {
    const loaded = parseSpec(
      specInput(3, 4, {
        nodes: {
          kafka: { instanceType: 'm6i.4xlarge', maxPerZone: 4 },
          system: { instanceType: 'x9z.huge' },
        },
      } as never),
    );
    expect(defaultPrices(loaded.spec, loaded.plan).unknown).toEqual(['systemNodePerHour']);
  });
});

describe('npm run cost', () => {
  function cost(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(TSX, [join(ROOT, 'cli', 'main.ts'), 'cost', ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('prints one column per level and takes price overrides', () => {
    const result = cost(['--config', 'stacks/prod.yaml', '--kafka-node-per-hour', '0.5']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/1 per zone\s+2 per zone\s+4 per zone/);
    expect(result.stdout).toMatch(/Kafka nodes\s+\$1\.500\s+\$3\.000\s+\$6\.000/);
  });

  it('prints JSON with --json', () => {
    const result = cost(['--config', 'stacks/dev.yaml', '--json', '--eks-per-hour', '0.6']);
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as { prices: Prices; levels: unknown[] };
    expect(parsed.prices.eksControlPlanePerHour).toBe(0.6);
    expect(parsed.levels).toHaveLength(1);
  });

  it('names a bad price and writes nothing to stdout', () => {
    const result = cost(['--config', 'stacks/prod.yaml', '--nlb-per-hour', '-1']);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--nlb-per-hour: "-1" is not a price; give USD at or above 0/);
  });
});
