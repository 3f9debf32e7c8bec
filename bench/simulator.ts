/** 30 simulated days at 1-minute resolution through every strategy (goal: under 10 s). */
import { loadSpecFile } from '../spec/load';
import { simulate } from '../simulator/simulate';
import { syntheticDemand } from '../simulator/synthetic';
import { DEFAULT_SPEC_FILE } from '../stacks/defaults';
import { medianMs, type BenchResult } from './types';

export async function run(): Promise<BenchResult[]> {
  const loaded = loadSpecFile(DEFAULT_SPEC_FILE);
  const demand = syntheticDemand({ peakToTroughRatio: 3, days: 30 }, 800);
  const timed = await medianMs(() => simulate(loaded, demand), 0);
  return [
    {
      name: 'simulate 30 days, all strategies, prod example (ms)',
      value: timed.firstMs,
      unit: 'ms',
      target: '< 10000',
    },
  ];
}
