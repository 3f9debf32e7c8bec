/**
 * `npm run simulate`: replays a load trace (or a synthetic day) through every autoscaling strategy
 * and prints the comparison, as a table or as JSON; optionally draws it as an SVG chart. With
 * `--sweep`, runs each strategy over its main knob and reports cost against risk instead.
 * Bad input: every problem on stderr, exit 1, nothing written.
 */
import { SpecError } from '../spec/errors';
import { loadSpecFile } from '../spec/load';
import type { DemandSeries } from '../simulator/demand';
import { SimulationInputError } from '../simulator/errors';
import { parseSimulateArgs, SimulateOptionsError, SIMULATE_USAGE } from '../simulator/options';
import { formatReport } from '../simulator/report';
import { simulate } from '../simulator/simulate';
import { formatSweep, sweep } from '../simulator/sweep';
import { syntheticDemand } from '../simulator/synthetic';
import { loadTraceFile } from '../simulator/trace';
import { DEFAULT_SPEC_FILE } from './defaults';

/** Runs the command with `argv` (options only); also called by `kafka-eks simulate` (cli/). */
export async function main(argv: readonly string[]): Promise<number> {
  const options = parseSimulateArgs(argv, DEFAULT_SPEC_FILE);
  if (options.help) {
    process.stdout.write(SIMULATE_USAGE);
    return 0;
  }
  const loaded = loadSpecFile(options.configFile);
  const demand: DemandSeries =
    options.load.kind === 'trace'
      ? loadTraceFile(options.load.file, { peakMiBps: options.peakMiBps, days: options.days })
      : syntheticDemand(
          {
            peakToTroughRatio: options.load.peakToTroughRatio,
            days: options.days ?? 7,
            seed: options.seed,
            noiseShare: options.noiseShare,
            flashSpike: options.flashSpike,
          },
          options.peakMiBps,
        );
  if (options.sweep) {
    const result = sweep(loaded, demand, options.timings);
    if (options.svgFile !== undefined) {
      const { writeSweepSvg } = await import('../simulator/chart');
      await writeSweepSvg(result, demand.source, options.svgFile);
    }
    process.stdout.write(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : formatSweep(result, demand.source),
    );
    return 0;
  }
  const details = simulate(loaded, demand, options.timings);
  if (options.svgFile !== undefined) {
    const { writeChartSvg } = await import('../simulator/chart');
    await writeChartSvg(details, options.svgFile);
  }
  process.stdout.write(
    options.json ? `${JSON.stringify(details.result, null, 2)}\n` : formatReport(details),
  );
  return 0;
}

/** The message for an error `main` threw. */
export function explain(error: unknown): string {
  if (error instanceof SimulateOptionsError) {
    return `${error.problems.map(problem => problem.message).join('\n')}\n${SIMULATE_USAGE}`;
  }
  if (error instanceof SpecError) return `--config: ${error.message}\n`;
  if (error instanceof SimulationInputError) return `${error.message}\n`;
  return `simulate failed: ${error instanceof Error ? error.message : String(error)}\n`;
}

// Runs only as a script, so `cli/` can import `main` without running it.
if (require.main === module) {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${explain(error)}Nothing was written.\n`);
      process.exitCode = 1;
    },
  );
}
