/** `kafka-eks plan-capacity` (`npm run plan-capacity`), run as a user runs it. */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function planCapacity(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, [join(ROOT, 'cli', 'main.ts'), 'plan-capacity', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run plan-capacity', () => {
  it('shows the spec as it is, the cheapest choices and a recommendation', () => {
    const result = planCapacity(['--peak-mibps', '800', '--trough-mibps', '400']);
    // The spec's layout warning (4 brokers per zone on a 2:1 day) is on stderr, nothing else.
    expect(result.stderr).toMatch(/^warning: a 2:1 day would save nothing[^\n]*\n$/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^\* m6i\.2xlarge\s+4\s+4 .* 1:224 2:447 4:894$/m);
    // every column names its unit
    const header = result.stdout.split('\n').find(line => line.includes('instance'))!;
    for (const label of [
      'brokers/zone',
      'peak nodes/zone',
      'static $/day',
      'expected $/day',
      'NLB $/day',
      'savings %',
      '2:1 day %',
      'min GiB/vCPU per broker',
      'levels nodes/zone:MiB/s',
    ]) {
      expect(header).toContain(label);
    }
    // prod.yaml has external access: 12 brokers + bootstrap = 13 NLBs at $0.0225/h = $7.02/day
    expect(result.stdout).toMatch(/NLBs \(external access on\): one per broker plus the bootstrap/);
    expect(result.stdout).toMatch(/^\* m6i\.2xlarge .* \$7\.02 /m);
    expect(result.stdout).toMatch(/^Broker floor: 4 GiB memory and 1 vCPU per broker/m);
    expect(result.stdout).toMatch(
      /^Recommended: \d+ brokers per zone on \S+ \(kafka\.brokers: \d+/m,
    );
  });

  it('--json: unit-bearing field names, the NLB term and the floor', () => {
    const result = planCapacity(['--peak-mibps', '800', '--trough-mibps', '400', '--json']);
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout) as {
      brokerFloor: { memoryGi: number; vcpu: number };
      nlbUsdPerHour: number;
      current: Record<string, unknown>;
    };
    expect(out.brokerFloor).toEqual({ memoryGi: 4, vcpu: 1 });
    expect(out.nlbUsdPerHour).toBe(0.0225);
    expect(Object.keys(out.current)).toEqual(
      expect.arrayContaining([
        'peakNodesPerZone',
        'nlbUsdPerDay',
        'staticUsdPerDay',
        'expectedUsdPerDay',
        'expectedSavingsShare',
        'twoToOneDaySavingsShare',
      ]),
    );
    expect(out.current.nlbUsdPerDay).toBeCloseTo(13 * 0.0225 * 24, 9);
  });

  it('warns when the spec would save nothing on a 2:1 day', () => {
    // 4 brokers per zone, one per node at the peak: 447 MiB/s needs 4 nodes, the next level halves
    const result = planCapacity(['--peak-mibps', '600', '--trough-mibps', '300']);
    expect(result.status).toBe(0);
    // Warnings go to stderr (README), never into the table on stdout.
    expect(result.stderr).toMatch(
      /^warning: a 2:1 day would save nothing with 4 broker\(s\) per zone/m,
    );
    expect(result.stdout).not.toContain('warning');
  });

  it('--json: the warning on stderr and in `current.warnings`, stdout only JSON', () => {
    const result = planCapacity(['--peak-mibps', '600', '--trough-mibps', '300', '--json']);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/^warning: a 2:1 day would save nothing/m);
    const out = JSON.parse(result.stdout) as { current: { warnings: string[] } };
    expect(out.current.warnings.some(w => w.startsWith('a 2:1 day would save nothing'))).toBe(true);
  });

  it.each([
    [['--trough-mibps', '100'], /--peak-mibps: is required/],
    [['--peak-mibps', 'x', '--trough-mibps', '100'], /--peak-mibps: "x" is not valid/],
    [
      ['--peak-mibps', '100', '--trough-mibps', '200'],
      /--trough-mibps: 200 is above --peak-mibps 100/,
    ],
    [
      ['--peak-mibps', '100', '--trough-mibps', '50', '--config', 'nope.yaml'],
      /--config: nope\.yaml does not exist/,
    ],
    [['--peak-mibps', '100', '--trough-mibps', '50', '--what'], /unknown option '--what'/],
  ])('rejects %j, naming the option', (args, message) => {
    const result = planCapacity(args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
