/**
 * `kafka-eks simulate --svg` stopped by SIGTERM or SIGINT at moments from before its chart write
 * to after it, as users run it (see `stopped-run.ts`): the chart file holds the previous chart or
 * the whole new one (compared with a run left alone), no temporary file is left beside it, and the
 * run ends with 0, with 128 + the signal's number and the message of `cli/hold-signals.ts`, or by
 * the signal itself outside the write. The chart (about 280 KB) is written in a few milliseconds,
 * so a signal sent once its temporary file appeared may land during the write or just after it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signalExitCode } from '../../cli/hold-signals';
import { stopAll, stoppedRun, type Moment } from './stopped-run';
import { CLI, ROOT } from './synth-run';

const SIMULATE = ['simulate', '--synthetic', 'daily:3', '--peak-mibps', '800', '--days', '1'];
const PREVIOUS_CHART =
  '<svg xmlns="http://www.w3.org/2000/svg"><!-- the previous chart --></svg>\n';

/** The chart's temporary file (`simulator/write-file.ts`): `.chart.svg.<pid>.tmp`. */
const isTemporary = (name: string): boolean =>
  name.startsWith('.chart.svg.') && name.endsWith('.tmp');

const MOMENTS: readonly Moment[] = [
  { signal: 'SIGINT', via: 'node', afterStartMs: 300 },
  { signal: 'SIGTERM', via: 'node', afterWriteMs: 0 },
  { signal: 'SIGINT', via: 'node', afterWriteMs: 0 },
  { signal: 'SIGTERM', via: 'npm', afterWriteMs: 0 },
];

describe('simulate --svg stopped by SIGTERM or SIGINT', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'simulate-signals-'));
  });
  // A failed assertion must not leave runs behind.
  afterEach(stopAll);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('leaves the previous or the whole new chart, and no temporary file, at every moment', async () => {
    // GIVEN a folder per run holding a previous chart
    const folders = MOMENTS.map((_moment, index) => {
      const folder = join(work, `case-${index}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'chart.svg'), PREVIOUS_CHART);
      return folder;
    });

    // WHEN each run is stopped at its moment (all at once), and one more run is left alone
    const endings = await Promise.all(
      MOMENTS.map((moment, index) =>
        stoppedRun(
          [...SIMULATE, '--svg', join(folders[index] ?? '', 'chart.svg')],
          moment,
          folders[index] ?? '',
          isTemporary,
        ),
      ),
    );
    const reference = join(work, 'reference.svg');
    const alone = spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, ...SIMULATE, '--svg', reference],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(alone.stderr).toBe('');
    const newChart = readFileSync(reference, 'utf8');
    expect(newChart.startsWith('<svg')).toBe(true);

    // THEN each folder holds one whole chart and nothing else, and the status says which
    MOMENTS.forEach((moment, index) => {
      const folder = folders[index] ?? '';
      const ending = endings[index];
      const context = { moment, ending };
      expect({ ...context, entries: readdirSync(folder) }).toEqual({
        ...context,
        entries: ['chart.svg'],
      });
      const chart = readFileSync(join(folder, 'chart.svg'), 'utf8');
      const which = chart === newChart ? 'new' : chart === PREVIOUS_CHART ? 'previous' : 'mixed';
      const code = signalExitCode(moment.signal);
      // npm, itself stopped by the group's signal, ends by that signal once simulate has exited.
      const stoppedWith =
        ending?.status === code || (moment.via === 'npm' && ending?.signal === moment.signal);
      const held = `simulate: ${moment.signal} arrived while writing `;
      const outcome =
        stoppedWith && ending?.stderr.includes(held) === true && which === 'new'
          ? 'held'
          : ending?.status === 0 && which === 'new'
            ? 'finished'
            : ending?.status === null && ending.signal === moment.signal && which !== 'mixed'
              ? 'killed outside the write'
              : `unexpected: ${which} chart`;
      expect({ ...context, outcome }).toEqual({
        ...context,
        outcome: expect.stringMatching(/^(held|finished|killed outside the write)$/),
      });
    });
    // 5 runs at once: about 8 s on 2 cores at load 7; the limit only bounds a hang.
  }, 120_000);
});
