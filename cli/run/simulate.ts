/**
 * `kafka-eks simulate`: replays a load trace (or a synthetic day) through every autoscaling
 * strategy and prints the comparison, as a table or as JSON; optionally draws it as an SVG chart.
 * With `sweep`, runs each strategy over its main knob and reports cost against risk instead.
 */
import { loadSpecFile } from '../../spec/load';
import type { DemandSeries } from '../../simulator/demand';
import { SimulationInputError } from '../../simulator/errors';
import { kafkaNodePriceRegionWarning } from '../../simulator/cost';
import { formatReport } from '../../simulator/report';
import { simulate } from '../../simulator/simulate';
import { formatSweep, sweep } from '../../simulator/sweep';
import { syntheticDemand } from '../../simulator/synthetic';
import { loadTraceFile } from '../../simulator/trace';
import { CliInputError, EXIT_CODES } from '../errors';
import { writeHoldingSignals } from '../hold-signals';
import { printWarnings, type CliIo } from '../io';
import type { SimulateOptions } from '../simulate-options';

/**
 * Simulates and prints; returns the exit code (0).
 * @throws CliInputError for input the simulator rejects (a malformed trace, a peak the spec cannot
 *   carry); SpecError for an invalid spec. Nothing is written then. FileWriteError (`simulator/write-file.ts`, naming the file) for an `--svg`
 *   write that failed (the file is then as it was); FileFlushError (`simulator/write-file.ts`) when
 *   only the flush after the chart was renamed into place failed (the file holds the new chart).
 *   A signal during that write ends the process (`writeSvg`).
 */
export async function runSimulate(options: SimulateOptions, io: CliIo): Promise<number> {
  try {
    return await simulateAndPrint(options, io);
  } catch (error) {
    if (error instanceof SimulationInputError) throw new CliInputError([error.message]);
    throw error;
  }
}

async function simulateAndPrint(options: SimulateOptions, io: CliIo): Promise<number> {
  const loaded = loadSpecFile(options.configFile);
  const priceWarning = kafkaNodePriceRegionWarning(loaded.spec, loaded.plan);
  printWarnings(io, priceWarning === undefined ? [] : [priceWarning]);
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
      const { renderSweepSvg } = await import('../../simulator/chart');
      await writeSvg(await renderSweepSvg(result, demand.source), options.svgFile, io);
    }
    io.stdout(
      options.json ? `${JSON.stringify(result, null, 2)}\n` : formatSweep(result, demand.source),
    );
    reportChart(options, io);
    return EXIT_CODES.ok;
  }
  const details = simulate(loaded, demand, options.timings, { bounds: options.bounds });
  if (options.svgFile !== undefined) {
    const { renderChartSvg } = await import('../../simulator/chart');
    await writeSvg(await renderChartSvg(details), options.svgFile, io);
  }
  io.stdout(options.json ? `${JSON.stringify(details.result, null, 2)}\n` : formatReport(details));
  reportChart(options, io);
  return EXIT_CODES.ok;
}

/**
 * Says where the `--svg` chart went, as synth says where it wrote: after the report on stdout, or
 * on stderr with `--json` (stdout carries only the JSON then).
 */
function reportChart(options: SimulateOptions, io: CliIo): void {
  if (options.svgFile === undefined) return;
  const line = `Wrote the chart to ${options.svgFile}\n`;
  if (options.json) io.stderr(line);
  else io.stdout(line);
}

/**
 * Writes the rendered chart to `--svg` with SIGINT, SIGTERM and SIGHUP held (`cli/hold-signals.ts`):
 * one that arrives during the write ends the process with 128 + its number once `file` holds the
 * whole new chart, before the report is printed.
 */
async function writeSvg(svg: string, file: string, io: CliIo): Promise<void> {
  const { writeChartSvgFile } = await import('../../simulator/chart');
  await writeHoldingSignals(() => writeChartSvgFile(file, svg), {
    command: 'simulate',
    target: file,
    io,
  });
}
