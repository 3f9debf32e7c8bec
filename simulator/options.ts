/**
 * Command-line options of `npm run simulate`, parsed and checked all at once: every problem names
 * the option, shows the value and says how to fix it.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SimulationInputError } from './errors';
import { DEFAULT_TIMINGS, type ModelTimings } from './facts';
import { DEFAULT_NOISE_SHARE, parseSyntheticPattern } from './synthetic';

export const SIMULATE_USAGE = `usage: npm run simulate -- [--config <spec.yaml>] (--trace <file.csv> | --synthetic daily:<ratio>)
         --peak-mibps <n> [--days <n>] [--json] [--svg <file.svg>] [--sweep]
         [--node-ready-seconds 120] [--broker-restart-seconds 60] [--metrics-lag-seconds 60]
         [--seed 1] [--noise 0.03] [--flash-spike] [--burst-seconds 300]
  --sweep runs each strategy over its main knob and reports cost against risk (the SVG is then
  the Pareto frontier chart).
`;

/** Where the load comes from. */
export type LoadSource =
  | { readonly kind: 'trace'; readonly file: string }
  | { readonly kind: 'synthetic'; readonly peakToTroughRatio: number };

export interface SimulateOptions {
  readonly configFile: string;
  readonly load: LoadSource;
  readonly peakMiBps: number;
  /** Days to simulate; undefined = the whole trace (7 for synthetic load). */
  readonly days: number | undefined;
  readonly json: boolean;
  readonly svgFile: string | undefined;
  readonly timings: ModelTimings;
  readonly seed: number;
  /** Synthetic load only: standard deviation of the multiplicative noise (0 = none). */
  readonly noiseShare: number;
  readonly flashSpike: boolean;
  /** Run the cost-risk sweep instead of one comparison. */
  readonly sweep: boolean;
  readonly help: boolean;
}

/** Several input problems, reported together. */
export class SimulateOptionsError extends Error {
  constructor(readonly problems: readonly SimulationInputError[]) {
    super(problems.map(problem => problem.message).join('\n'));
    this.name = 'SimulateOptionsError';
  }
}

function numberOption(
  problems: SimulationInputError[],
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
    problems.push(new SimulationInputError(option, `"${raw}" is not valid; ${check.hint}`));
    return undefined;
  }
  return value;
}

/** Parses and checks the arguments. @throws SimulateOptionsError with every problem found. */
export function parseSimulateArgs(argv: readonly string[], defaultConfig: string): SimulateOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        trace: { type: 'string' },
        synthetic: { type: 'string' },
        'peak-mibps': { type: 'string' },
        days: { type: 'string' },
        json: { type: 'boolean', default: false },
        svg: { type: 'string' },
        'node-ready-seconds': { type: 'string' },
        'broker-restart-seconds': { type: 'string' },
        'metrics-lag-seconds': { type: 'string' },
        seed: { type: 'string' },
        noise: { type: 'string' },
        'flash-spike': { type: 'boolean', default: false },
        sweep: { type: 'boolean', default: false },
        'burst-seconds': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SimulateOptionsError([
      new SimulationInputError('arguments', `${reason}; see --help for the options`),
    ]);
  }
  const text = (key: string): string | undefined => {
    const value = values[key];
    return typeof value === 'string' ? value : undefined;
  };
  const flag = (key: string): boolean => values[key] === true;
  const problems: SimulationInputError[] = [];
  const help = flag('help');

  const trace = text('trace');
  const synthetic = text('synthetic');
  let load: LoadSource | undefined;
  if (trace !== undefined && synthetic !== undefined) {
    problems.push(
      new SimulationInputError(
        '--trace',
        `"${trace}" conflicts with --synthetic "${synthetic}"; give exactly one of them`,
      ),
    );
  } else if (trace !== undefined) {
    if (!existsSync(trace) || !statSync(trace).isFile()) {
      problems.push(
        new SimulationInputError(
          '--trace',
          `"${trace}" is not a file; give a CSV file with a "timestamp,value" header, for example ../shared/traces/elb_request_count_8c0756.csv`,
        ),
      );
    } else {
      load = { kind: 'trace', file: trace };
    }
  } else if (synthetic !== undefined) {
    try {
      load = { kind: 'synthetic', ...parseSyntheticPattern(synthetic) };
    } catch (error) {
      if (!(error instanceof SimulationInputError)) throw error;
      problems.push(error);
    }
  } else if (!help) {
    problems.push(
      new SimulationInputError(
        '--trace',
        'no load given; add --trace <file.csv> or --synthetic daily:<ratio> (for example daily:3)',
      ),
    );
  }

  const peakRaw = text('peak-mibps');
  const peakMiBps = numberOption(problems, '--peak-mibps', peakRaw, {
    min: Number.MIN_VALUE,
    max: 1e7,
    hint: 'give the peak producer traffic of the whole cluster in MiB/s, a number above 0, for example --peak-mibps 800',
  });
  if (peakRaw === undefined && !help) {
    problems.push(
      new SimulationInputError(
        '--peak-mibps',
        'is required; give the peak producer traffic of the whole cluster in MiB/s, for example --peak-mibps 800',
      ),
    );
  }
  const days = numberOption(problems, '--days', text('days'), {
    min: 1 / 24,
    max: 366,
    hint: 'give a number of days from 0.05 to 366, for example --days 7',
  });
  const duration = (option: string, fallback: number): number =>
    numberOption(problems, option, text(option.slice(2)), {
      min: 0,
      max: 86_400,
      hint: `give seconds from 0 to 86400 (default ${fallback})`,
    }) ?? fallback;
  const timings: ModelTimings = {
    ...DEFAULT_TIMINGS,
    nodeReadySeconds: duration('--node-ready-seconds', DEFAULT_TIMINGS.nodeReadySeconds),
    brokerRestartSeconds: duration(
      '--broker-restart-seconds',
      DEFAULT_TIMINGS.brokerRestartSeconds,
    ),
    metricsLagSeconds: duration('--metrics-lag-seconds', DEFAULT_TIMINGS.metricsLagSeconds),
    burstSeconds: duration('--burst-seconds', DEFAULT_TIMINGS.burstSeconds),
  };
  const seed =
    numberOption(problems, '--seed', text('seed'), {
      min: 0,
      max: 2 ** 32 - 1,
      integer: true,
      hint: 'give a whole number from 0 to 4294967295',
    }) ?? 1;
  const noiseShare =
    numberOption(problems, '--noise', text('noise'), {
      min: 0,
      max: 0.5,
      hint: 'give a share from 0 (no noise) to 0.5, for example 0.03',
    }) ?? DEFAULT_NOISE_SHARE;

  const svgFile = text('svg');
  if (svgFile !== undefined) {
    const dir = dirname(resolve(svgFile));
    if (!svgFile.endsWith('.svg')) {
      problems.push(
        new SimulationInputError('--svg', `"${svgFile}" must end in .svg, for example sim.svg`),
      );
    } else if (!existsSync(dir)) {
      problems.push(
        new SimulationInputError(
          '--svg',
          `"${svgFile}": folder ${dir} does not exist; create it first`,
        ),
      );
    } else if (!statSync(dir).isDirectory()) {
      problems.push(
        new SimulationInputError(
          '--svg',
          `"${svgFile}": ${dir} is a file, not a folder; give a path inside a folder`,
        ),
      );
    }
  }
  if (text('noise') !== undefined && load?.kind === 'trace') {
    problems.push(
      new SimulationInputError(
        '--noise',
        'applies to --synthetic load only; drop it or use --synthetic',
      ),
    );
  }
  if (flag('flash-spike') && load?.kind === 'trace') {
    problems.push(
      new SimulationInputError(
        '--flash-spike',
        'applies to --synthetic load only; drop it or use --synthetic',
      ),
    );
  }
  if (problems.length > 0) throw new SimulateOptionsError(problems);
  return {
    configFile: text('config') ?? defaultConfig,
    load: load ?? { kind: 'synthetic', peakToTroughRatio: 2 },
    peakMiBps: peakMiBps ?? 0,
    days,
    json: flag('json'),
    svgFile,
    timings,
    seed,
    noiseShare,
    flashSpike: flag('flash-spike'),
    sweep: flag('sweep'),
    help,
  };
}
