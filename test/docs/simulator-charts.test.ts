/**
 * A chart the docs show and give the command for is the chart that command draws at this commit.
 * docs/simulator.md shows docs/img/simulate-daily-3.svg and docs/img/simulate-sweep-daily-3.svg and
 * gives the `npm run simulate -- ... --svg docs/img/<chart>.svg` commands that write them; the
 * simulator is deterministic (seeded load, no clock), so a run must give the tracked file byte for
 * byte. Docs walk s34-c: both charts were drawn on 2026-11-30, and the controller and simulator
 * changes since then moved the controller's node counts, so the page showed a run that no longer
 * happens. Every documented `simulate` command with `--svg docs/img/...` is run here (as `npm run
 * simulate` runs it, `node --import tsx cli/main.ts`, in its own process since the chart library is
 * an ES module jest cannot load; the chart written to a temporary folder); regenerate a chart by running its
 * command as documented. Slow tier: the 14-day sweep replays every strategy at several targets.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentedShellCommands } from '../util/documented-commands';
import { REPO_ROOT } from '../util/documented-pulumi';

/** The documented simulate commands that write a chart of docs/img, as CLI arguments. */
function chartCommands(): Array<{ where: string; args: string[]; chart: string }> {
  return documentedShellCommands().flatMap(command => {
    const words = command.words;
    const separator = words.indexOf('--');
    const isSimulate =
      words[0] === 'npm' && words.includes('simulate') && separator > words.indexOf('simulate');
    const svgAt = words.indexOf('--svg');
    const chart = words[svgAt + 1];
    if (!isSimulate || svgAt < 0 || chart === undefined || !chart.startsWith('docs/img/'))
      return [];
    return [
      {
        where: `${command.file}:${command.line}`,
        args: ['simulate', ...words.slice(separator + 1)],
        chart,
      },
    ];
  });
}

describe('the simulator charts of the docs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simulator-charts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const commands = chartCommands();

  it('finds the documented chart commands', () => {
    expect(commands.map(command => command.chart).sort()).toEqual([
      'docs/img/simulate-daily-3.svg',
      'docs/img/simulate-sweep-daily-3.svg',
    ]);
  });

  it.each(commands.map(command => [command.chart, command] as const))(
    '%s is what its documented command draws now',
    (chart, command) => {
      const written = join(dir, chart.replace(/\//g, '_'));
      const args = command.args.map((word, index) =>
        command.args[index - 1] === '--svg' ? written : word,
      );
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 600_000,
      });
      expect({ status: run.status, stderr: run.stderr }).toEqual({
        status: 0,
        stderr: expect.any(String),
      });
      const drawn = readFileSync(written, 'utf8');
      const tracked = readFileSync(join(REPO_ROOT, chart), 'utf8');
      if (drawn !== tracked) {
        throw new Error(
          `${chart} is not what \`npm run simulate -- ${command.args.slice(1).join(' ')}\` ` +
            `(${command.where}) draws ` +
            `now; run that command to redraw it and review the chart`,
        );
      }
    },
    600_000,
  );
});
