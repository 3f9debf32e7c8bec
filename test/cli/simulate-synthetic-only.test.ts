/** Every synthetic-only option of `simulate` is refused with `--trace`, from one table. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliInputError } from '../../cli/errors';
import { createProgram } from '../../cli/program';
import {
  checkSimulateOptions,
  SYNTHETIC_ONLY_OPTIONS,
  type SimulateFlags,
} from '../../cli/simulate-options';
import { EXAMPLES_DIR } from '../util/specs';

let scratch: string;
let trace: string;
const config = join(EXAMPLES_DIR, 'prod.yaml');

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'simulate-synthetic-only-'));
  trace = join(scratch, 'trace.csv');
  writeFileSync(trace, 'timestamp,value\n2024-01-01T00:00:00Z,1\n');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A value commander would hand over for the option: true for a flag, a valid number else. */
function given(key: keyof SimulateFlags): Partial<SimulateFlags> {
  return { [key]: key === 'flashSpike' ? true : key === 'seed' ? '3' : '0.1' };
}

function problemsOf(flags: SimulateFlags): readonly string[] {
  try {
    checkSimulateOptions(flags);
    return [];
  } catch (error) {
    return (error as CliInputError).problems;
  }
}

describe('synthetic-only simulate options', () => {
  it('the table holds exactly the options whose help says "synthetic load only"', () => {
    const simulate = createProgram(
      { stdout: () => undefined, stderr: () => undefined },
      { code: 0 },
    ).commands.find(command => command.name() === 'simulate')!;
    const marked = simulate.options
      .filter(option => option.description.startsWith('synthetic load only'))
      .map(option => option.long);
    expect(marked.sort()).toEqual(SYNTHETIC_ONLY_OPTIONS.map(entry => entry.option).sort());
    for (const { option, key } of SYNTHETIC_ONLY_OPTIONS) {
      expect(simulate.options.find(candidate => candidate.long === option)?.attributeName()).toBe(
        key,
      );
    }
  });

  it.each(SYNTHETIC_ONLY_OPTIONS.map(entry => [entry.option, entry.key] as const))(
    'throws when %s is given with --trace',
    (option, key) => {
      const problems = problemsOf({ config, trace, peakMibps: '800', ...given(key) });
      expect(problems).toEqual([
        `${option}: applies to --synthetic load only (a trace is replayed as recorded); drop it or use --synthetic`,
      ]);
    },
  );

  it.each(SYNTHETIC_ONLY_OPTIONS.map(entry => [entry.option, entry.key] as const))(
    'accepts %s with --synthetic',
    (_option, key) => {
      expect(problemsOf({ config, synthetic: 'daily:3', peakMibps: '800', ...given(key) })).toEqual(
        [],
      );
    },
  );
});
