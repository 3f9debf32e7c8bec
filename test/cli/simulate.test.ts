/** `kafka-eks simulate` (`npm run simulate`), run as a user runs it. */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

function simulateCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, [join(ROOT, 'cli', 'main.ts'), 'simulate', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run simulate', () => {
  const work = mkdtempSync(join(tmpdir(), 'simulate-cli-'));

  it('prints the JSON contract for a synthetic day with the default spec', () => {
    const result = simulateCli([
      '--synthetic',
      'daily:3',
      '--peak-mibps',
      '800',
      '--days',
      '0.5',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      minutesSimulated: number;
      strategies: Record<string, Record<string, number>>;
    };
    expect(parsed.minutesSimulated).toBe(720);
    expect(Object.keys(parsed.strategies)).toEqual([
      'static',
      'target-tracking',
      'predictive-target-tracking',
      'controller',
      'oracle',
      'reachable-oracle',
      'serial-oracle',
      'ideal',
    ]);
    expect(parsed.strategies.controller.maxConcurrentMoves).toBeLessThanOrEqual(1);
  });

  it('prints a table with one column per strategy for a trace file, and writes the SVG', () => {
    const trace = join(work, 'trace.csv');
    const rows = Array.from(
      { length: 48 },
      (_, i) =>
        `${new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString()},${100 + 50 * Math.sin(i / 8)}`,
    );
    writeFileSync(trace, `timestamp,value\n${rows.join('\n')}\n`);
    const svg = join(work, 'out.svg');
    const result = simulateCli(['--trace', trace, '--peak-mibps', '600', '--svg', svg]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Simulated 0\.2 days \(236 minutes\) of trace\.csv/);
    expect(result.stdout).toMatch(
      /\s+static\s+target-tracking\s+predictive-target-tracking\s+controller\s+oracle\s+reachable-oracle\s+serial-oracle\s+ideal/,
    );
    expect(result.stdout).toMatch(/^node-hours\s+/m);
    expect(result.stdout.endsWith(`Wrote the chart to ${svg}\n`)).toBe(true);
    expect(existsSync(svg)).toBe(true);
    expect(readdirSync(work).filter(name => name.endsWith('.tmp'))).toEqual([]);
  });

  it('--sweep prints every run and the headline, and draws the frontier chart', () => {
    const svg = join(work, 'sweep.svg');
    const result = simulateCli([
      '--synthetic',
      'daily:3',
      '--peak-mibps',
      '800',
      '--days',
      '0.25',
      '--sweep',
      '--json',
      '--svg',
      svg,
    ]);
    // WHEN --json: stdout is only the JSON, and the chart's line goes to stderr.
    expect(result.stderr).toBe(`Wrote the chart to ${svg}\n`);
    expect(result.status).toBe(0);
    const parsed = JSON.parse(result.stdout) as {
      points: Array<{ strategy: string }>;
      headline: Array<{ strategy: string; costAtReference: number | null }>;
      referenceOverTargetNodeMinutes: number;
    };
    expect(parsed.points).toHaveLength(39);
    expect(parsed.headline.map(entry => entry.strategy)).toEqual([
      'static',
      'target-tracking',
      'predictive-target-tracking',
      'controller',
      'oracle',
      'reachable-oracle',
      'serial-oracle',
    ]);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);
  });

  it.each([
    [['--peak-mibps', '800'], /--trace: no load given; add --trace <file.csv> or --synthetic/],
    [['--synthetic', 'daily:3'], /--peak-mibps: is required/],
    [
      ['--synthetic', 'hourly:3', '--peak-mibps', '800'],
      /--synthetic: "hourly:3" is not a daily pattern/,
    ],
    [
      ['--synthetic', 'daily:3', '--peak-mibps', 'lots'],
      /--peak-mibps: "lots" is not valid; give the peak/,
    ],
    [['--synthetic', 'daily:3', '--peak-mibps=-5'], /--peak-mibps: "-5" is not valid/],
    [
      ['--synthetic', 'daily:3', '--peak-mibps', '5000'],
      /--peak-mibps: 5000 is outside what the spec can carry/,
    ],
    [['--trace', 'nope.csv', '--peak-mibps', '800'], /--trace: nope\.csv does not exist/],
    [
      ['--trace', 'x.csv', '--synthetic', 'daily:2', '--peak-mibps', '800'],
      /--trace: "x.csv" conflicts with --synthetic "daily:2"; give exactly one of them/,
    ],
    [['--synthetic', 'daily:3', '--peak-mibps', '800', '--days', '0'], /--days: "0" is not valid/],
    [
      ['--synthetic', 'daily:3', '--peak-mibps', '800', '--node-ready-seconds', 'soon'],
      /--node-ready-seconds: "soon" is not valid; give seconds from 0 to 86400 \(default 120\)/,
    ],
    [
      ['--synthetic', 'daily:3', '--peak-mibps', '800', '--sweep', '--burst-seconds=-1'],
      /--burst-seconds: "-1" is not valid; give seconds from 0 to 86400 \(default 300\)/,
    ],
    [['--synthetic', 'daily:3', '--peak-mibps', '800', '--bogus'], /unknown option '--bogus'/],
    [
      ['--synthetic', 'daily:3', '--peak-mibps', '800', '--config', 'missing.yaml'],
      /--config: missing\.yaml does not exist/,
    ],
  ])('rejects %j with a message naming the option, and writes nothing', (args, message) => {
    const svg = join(work, `bad-${Math.random().toString(36).slice(2)}.svg`);
    const result = simulateCli([...args, '--svg', svg]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Nothing was written\./);
    expect(result.stdout).toBe('');
    expect(existsSync(svg)).toBe(false);
  });

  it('names an --svg folder that is a file as a file, not as missing', () => {
    const file = join(work, 'notes.txt');
    writeFileSync(file, 'mine\n');
    const result = simulateCli([
      '--synthetic',
      'daily:3',
      '--peak-mibps',
      '800',
      '--svg',
      join(file, 'x.svg'),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file} is a file, not a folder`);
    expect(result.stderr).not.toContain('does not exist');
    expect(readFileSync(file, 'utf8')).toBe('mine\n');
  });

  // What already is at the --svg path: a folder or a link to nothing is refused before the run;
  // a link to a file is written through, so the user's link stays a link.
  it('refuses an --svg that is a folder or a dangling link, and writes through a link to a file', () => {
    const args = ['--synthetic', 'daily:3', '--peak-mibps', '800', '--days', '1', '--svg'];
    const folder = join(work, 'charts.svg');
    mkdirSync(folder);
    writeFileSync(join(folder, 'mine.txt'), 'mine\n');
    const onFolder = simulateCli([...args, folder]);
    expect(onFolder.status).toBe(1);
    expect(onFolder.stderr).toContain(`--svg: ${folder} is a folder; give a file name in it`);
    expect(readdirSync(folder)).toEqual(['mine.txt']);

    const dangling = join(work, 'dangling.svg');
    symlinkSync(join(work, 'nowhere.svg'), dangling);
    const onDangling = simulateCli([...args, dangling]);
    expect(onDangling.status).toBe(1);
    expect(onDangling.stderr).toContain(
      `is a link to ${join(work, 'nowhere.svg')}, which does not exist`,
    );
    expect(existsSync(join(work, 'nowhere.svg'))).toBe(false);

    const target = join(work, 'kept', 'chart.svg');
    mkdirSync(join(work, 'kept'));
    writeFileSync(target, 'old\n');
    const link = join(work, 'link.svg');
    symlinkSync(target, link);
    const throughLink = simulateCli([...args, link]);
    expect(throughLink.stderr).not.toMatch(/failed/);
    expect(throughLink.status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toMatch(/^<svg/);
    expect(readdirSync(join(work, 'kept'))).toEqual(['chart.svg']);
  });

  it('reports every problem at once', () => {
    const result = simulateCli(['--synthetic', 'weekly', '--peak-mibps', 'x', '--days=-1']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--synthetic:/);
    expect(result.stderr).toMatch(/--peak-mibps:/);
    expect(result.stderr).toMatch(/--days:/);
  });

  it('takes --noise for synthetic load: 0 removes it, a bad share is named', () => {
    const run = (noise: string) =>
      simulateCli([
        '--synthetic',
        'daily:3',
        '--peak-mibps',
        '800',
        '--days',
        '0.5',
        '--json',
        '--noise',
        noise,
      ]);
    const quiet = run('0');
    expect(quiet.status).toBe(0);
    const noisy = run('0.1');
    expect(noisy.status).toBe(0);
    const oracleHours = (stdout: string) =>
      (JSON.parse(stdout) as { strategies: { oracle: { nodeHours: number } } }).strategies.oracle
        .nodeHours;
    expect(oracleHours(quiet.stdout)).not.toBe(oracleHours(noisy.stdout));
    const bad = run('0.9');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--noise: .*0.9/);
  });
});
