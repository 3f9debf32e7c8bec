/** Wall time of `npm run plan` for the prod example, as a reviewer runs it (npm, tsx, mocks). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult } from './types';

const ROOT = join(__dirname, '..');
const RUNS = 3;

function planWallMs(json: boolean): number {
  const args = ['run', '--silent', 'plan', '--', '--config', join(ROOT, 'stacks', 'prod.yaml')];
  if (json) args.push('--json');
  const start = performance.now();
  const result = spawnSync('npm', args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`npm run plan failed: ${result.stderr}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<
  Array<{ name: string; value: number; unit: string; target?: string }>
> {
  const table = median(Array.from({ length: RUNS }, () => planWallMs(false)));
  const json = median(Array.from({ length: RUNS }, () => planWallMs(true)));
  const results: BenchResult[] = [
    {
      name: 'npm run plan (prod example), wall time, median of 3',
      value: table,
      unit: 'ms',
      target: '< 10000',
    },
    {
      name: 'npm run plan --json (prod example), wall time, median of 3',
      value: json,
      unit: 'ms',
      target: '< 10000',
    },
  ];
  return results;
}
