/**
 * The options of `kafka-eks simulate`, checked all at once: every problem names the option, shows
 * the value and says how to fix it. Commander parses the command line (names, did-you-mean);
 * this turns the strings it hands over into {@link SimulateOptions}.
 */
import { DEFAULT_TIMINGS, type ModelTimings } from '../simulator/facts';
import { DEFAULT_NOISE_SHARE, parseSyntheticPattern } from '../simulator/synthetic';
import { SimulationInputError } from '../simulator/errors';
import { CliInputError } from './errors';
import { EXAMPLE_SPEC, inputFileProblem, outputFileProblem, outputFilePath } from './paths';

/** The options as commander hands them over: strings as typed, flags true when given. */
export interface SimulateFlags {
  readonly config: string;
  readonly trace?: string;
  readonly synthetic?: string;
  readonly peakMibps?: string;
  readonly days?: string;
  readonly json?: boolean;
  readonly svg?: string;
  readonly nodeReadySeconds?: string;
  readonly brokerRestartSeconds?: string;
  readonly metricsLagSeconds?: string;
  readonly seed?: string;
  readonly noise?: string;
  readonly flashSpike?: boolean;
  readonly burstSeconds?: string;
  readonly sweep?: boolean;
  readonly bounds?: boolean;
}

/**
 * Every option that shapes synthetic load only, and so is refused with `--trace` (a trace is
 * replayed as recorded). One table, so that a new synthetic-only option cannot be forgotten: the
 * command's help marks each of them "synthetic load only", and a test holds the two together.
 */
export const SYNTHETIC_ONLY_OPTIONS: readonly {
  readonly option: string;
  readonly key: keyof SimulateFlags;
}[] = [
  { option: '--seed', key: 'seed' },
  { option: '--noise', key: 'noise' },
  { option: '--flash-spike', key: 'flashSpike' },
];

/** Where the load comes from. */
export type LoadSource =
  | { readonly kind: 'trace'; readonly file: string }
  | { readonly kind: 'synthetic'; readonly peakToTroughRatio: number };

/** Checked options of a simulation run. */
export interface SimulateOptions {
  /** Platform spec file (YAML or JSON), an existing regular file. */
  readonly configFile: string;
  readonly load: LoadSource;
  /** Peak producer traffic of the whole cluster, MiB/s, above 0. */
  readonly peakMiBps: number;
  /** Days to simulate; undefined = the whole trace (7 for synthetic load). */
  readonly days: number | undefined;
  readonly json: boolean;
  /** SVG file to draw into; its folder exists. */
  readonly svgFile: string | undefined;
  readonly timings: ModelTimings;
  /** Seed of the synthetic noise, a whole number from 0 to 2^32 - 1. @default 1 */
  readonly seed: number;
  /** Synthetic load only: standard deviation of the multiplicative noise (0 = none). */
  readonly noiseShare: number;
  readonly flashSpike: boolean;
  /** Run the cost-risk sweep instead of one comparison. */
  readonly sweep: boolean;
  /** Also compute the serial-move bound at the controller's over-target minutes (not with sweep). */
  readonly bounds: boolean;
}

function numberOption(
  problems: string[],
  option: string,
  raw: string | undefined,
  check: {
    readonly min: number;
    readonly max: number;
    readonly integer?: boolean;
    readonly hint: string;
  },
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < check.min ||
    value > check.max ||
    (check.integer === true && !Number.isInteger(value))
  ) {
    problems.push(`${option}: "${raw}" is not valid; ${check.hint}`);
    return undefined;
  }
  return value;
}

/**
 * Checks every option and returns them typed.
 * @throws CliInputError with every problem found (files, values, conflicts), before any work.
 */
export function checkSimulateOptions(flags: SimulateFlags): SimulateOptions {
  const problems: string[] = [];
  const configProblem = inputFileProblem('--config', flags.config, EXAMPLE_SPEC);
  if (configProblem !== undefined) problems.push(configProblem);

  const { trace, synthetic } = flags;
  let load: LoadSource | undefined;
  if (trace !== undefined && synthetic !== undefined) {
    problems.push(
      `--trace: "${trace}" conflicts with --synthetic "${synthetic}"; give exactly one of them`,
    );
  } else if (trace !== undefined) {
    const traceProblem = inputFileProblem(
      '--trace',
      trace,
      'a CSV file with a "timestamp,value" header (scripts/fetch-traces.sh downloads some)',
    );
    if (traceProblem === undefined) load = { kind: 'trace', file: trace };
    else problems.push(traceProblem);
  } else if (synthetic !== undefined) {
    try {
      load = { kind: 'synthetic', ...parseSyntheticPattern(synthetic) };
    } catch (error) {
      if (!(error instanceof SimulationInputError)) throw error;
      problems.push(error.message);
    }
  } else {
    problems.push(
      '--trace: no load given; add --trace <file.csv> or --synthetic daily:<ratio> (for example daily:3)',
    );
  }

  const peakMiBps = numberOption(problems, '--peak-mibps', flags.peakMibps, {
    min: Number.MIN_VALUE,
    max: 1e7,
    hint: 'give the peak producer traffic of the whole cluster in MiB/s, a number above 0, for example --peak-mibps 800',
  });
  if (flags.peakMibps === undefined) {
    problems.push(
      '--peak-mibps: is required; give the peak producer traffic of the whole cluster in MiB/s, for example --peak-mibps 800',
    );
  }
  const days = numberOption(problems, '--days', flags.days, {
    min: 1 / 24,
    max: 366,
    hint: 'give a number of days from 0.05 to 366, for example --days 7',
  });
  const duration = (option: string, raw: string | undefined, fallback: number): number =>
    numberOption(problems, option, raw, {
      min: 0,
      max: 86_400,
      hint: `give seconds from 0 to 86400 (default ${fallback})`,
    }) ?? fallback;
  const timings: ModelTimings = {
    ...DEFAULT_TIMINGS,
    nodeReadySeconds: duration(
      '--node-ready-seconds',
      flags.nodeReadySeconds,
      DEFAULT_TIMINGS.nodeReadySeconds,
    ),
    brokerRestartSeconds: duration(
      '--broker-restart-seconds',
      flags.brokerRestartSeconds,
      DEFAULT_TIMINGS.brokerRestartSeconds,
    ),
    metricsLagSeconds: duration(
      '--metrics-lag-seconds',
      flags.metricsLagSeconds,
      DEFAULT_TIMINGS.metricsLagSeconds,
    ),
    burstSeconds: duration('--burst-seconds', flags.burstSeconds, DEFAULT_TIMINGS.burstSeconds),
  };
  const seed =
    numberOption(problems, '--seed', flags.seed, {
      min: 0,
      max: 2 ** 32 - 1,
      integer: true,
      hint: 'give a whole number from 0 to 4294967295',
    }) ?? 1;
  const noiseShare =
    numberOption(problems, '--noise', flags.noise, {
      min: 0,
      max: 0.5,
      hint: 'give a share from 0 (no noise) to 0.5, for example 0.03',
    }) ?? DEFAULT_NOISE_SHARE;

  // The file `outputFileProblem` judges: a link is written through (its target replaced, the link
  // kept), as a shell's `>` would, and a `..` is read as path.resolve reads it.
  const svgFile = flags.svg === undefined ? undefined : outputFilePath(flags.svg);
  if (flags.svg !== undefined) {
    // Never the chart over a file this run reads: the spec, the trace.
    const inputs = [
      { option: '--config', path: flags.config },
      ...(trace === undefined ? [] : [{ option: '--trace', path: trace }]),
    ];
    const problem = outputFileProblem('--svg', flags.svg, '.svg', 'sim.svg', inputs);
    if (problem !== undefined) problems.push(problem);
  }
  if (load?.kind === 'trace') {
    for (const { option, key } of SYNTHETIC_ONLY_OPTIONS) {
      const value = flags[key];
      if (value === undefined || value === false) continue;
      problems.push(
        `${option}: applies to --synthetic load only (a trace is replayed as recorded); drop it or use --synthetic`,
      );
    }
  }
  if (flags.bounds === true && flags.sweep === true) {
    problems.push('--bounds: applies to one comparison, not to --sweep; drop one of them');
  }
  if (problems.length > 0 || load === undefined || peakMiBps === undefined) {
    throw new CliInputError(problems);
  }
  return {
    configFile: flags.config,
    load,
    peakMiBps,
    days,
    json: flags.json === true,
    svgFile,
    timings,
    seed,
    noiseShare,
    flashSpike: flags.flashSpike === true,
    sweep: flags.sweep === true,
    bounds: flags.bounds === true,
  };
}
