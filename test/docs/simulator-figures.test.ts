/**
 * The README's simulator figures for the 3:1 synthetic day agree with a run at this commit and with
 * docs/simulator.md: `npm run simulate -- --synthetic daily:3 --peak-mibps 800 --days 14`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../cli/program';

const ROOT = join(__dirname, '..', '..');

it('daily:3: the README row and docs/simulator.md give what the simulator prints', async () => {
  let stdout = '';
  const code = await runCli(
    ['simulate', '--synthetic', 'daily:3', '--peak-mibps', '800', '--days', '14', '--json'],
    { stdout: text => void (stdout += text), stderr: () => undefined },
    {},
  );
  expect(code).toBe(0);
  const { strategies } = JSON.parse(stdout) as {
    strategies: { controller: { savingsVsStatic: number; shareOfOracleSavings: number } };
  };
  const { savingsVsStatic, shareOfOracleSavings } = strategies.controller;
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const row = readme.split('\n').find(line => line.startsWith('| daily:3 |'));
  expect(row).toContain(`(${(savingsVsStatic * 100).toFixed(1)}% after **Latest (8)**)`);
  expect(row).toContain(`(${(shareOfOracleSavings * 100).toFixed(1)}% after **Latest (8)**)`);
  const simulatorDoc = readFileSync(join(ROOT, 'docs', 'simulator.md'), 'utf8');
  expect(simulatorDoc).toContain(
    `daily:3 ${(shareOfOracleSavings * 100).toFixed(2)}% of the oracle's savings`,
  );
}, 300_000);
