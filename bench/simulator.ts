/**
 * The simulator's speed goals: 30 simulated days at 1-minute resolution through every strategy
 * (under 10 s), and a cost-risk sweep of 5 settings x 5 strategies over 14 days (under 60 s; the
 * controller runs 4 more scale-in margins on top, and the reachable and serial oracles 5 settings more each). Both with the prod example spec, forecast floor
 * as the spec says.
 */
import { loadSpecFile } from '../spec/load';
import { simulate } from '../simulator/simulate';
import { sweep } from '../simulator/sweep';
import { syntheticDemand } from '../simulator/synthetic';
import { DEFAULT_SPEC_FILE } from '../stacks/defaults';
import { medianMs, type BenchResult } from './types';

/** CPU time (user + system) of one call, ms: unlike wall time, not inflated by other processes. */
function cpuMs(fn: () => unknown): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

export async function run(): Promise<BenchResult[]> {
  const loaded = loadSpecFile(DEFAULT_SPEC_FILE);
  const month = syntheticDemand({ peakToTroughRatio: 3, days: 30 }, 800);
  const simulated = await medianMs(() => simulate(loaded, month), 0);
  const simulatedCpu = cpuMs(() => simulate(loaded, month));
  const fortnight = syntheticDemand({ peakToTroughRatio: 3, days: 14 }, 800);
  const swept = await medianMs(() => sweep(loaded, fortnight), 0);
  const sweptCpu = cpuMs(() => sweep(loaded, fortnight));
  return [
    {
      name: 'simulate 30 days, all strategies, prod example (ms)',
      value: simulated.firstMs,
      unit: 'ms',
      target: '< 10000',
    },
    {
      name: 'simulate 30 days: share of the 10 s budget',
      value: simulated.firstMs / 10_000,
      unit: 'x',
      target: '< 1',
    },
    {
      name: 'simulate 30 days: CPU time (second run)',
      value: simulatedCpu,
      unit: 'ms',
      target: '< 10000',
    },
    {
      name: 'sweep 14 days, 5 settings x 5 strategies + reachable and serial oracles, prod example (ms)',
      value: swept.firstMs,
      unit: 'ms',
      target: '< 60000',
    },
    {
      name: 'sweep 14 days: share of the 60 s budget',
      value: swept.firstMs / 60_000,
      unit: 'x',
      target: '< 1',
    },
    {
      name: 'sweep 14 days: CPU time (second run)',
      value: sweptCpu,
      unit: 'ms',
      target: '< 60000',
    },
  ];
}
