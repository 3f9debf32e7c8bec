/**
 * Two runs that find a killed run's lock at the same moment must not both take it over: that put
 * two writers into one output folder (half of one output, half of another). Real processes race
 * over and over (`lock-race-child.ts`): every holder dies holding the lock, so each take is a
 * takeover, and at no moment may two processes hold it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE } from '../../charts/output';

const TSX = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const CHILD = join(__dirname, 'lock-race-child.ts');
const MIN_TAKES_EACH = 10;

interface Tally {
  readonly takes: number;
  readonly overlaps: number;
  readonly refused: number;
}

function race(folder: string, processes: number, forMs: number): Promise<Tally[]> {
  const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
  writeFileSync(join(folder, LOCK_FILE), `${deadPid}\n`);
  // Far enough ahead for every process to start (tsx compiles the module first).
  const startAt = Date.now() + 8_000;
  return Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise<Tally>((done, fail) => {
          const child = spawn(
            TSX,
            [
              CHILD,
              folder,
              String(deadPid),
              String(startAt),
              String(startAt + forMs),
              // each goes on until it took the lock 10 times (30 s at most): a loaded machine
              String(MIN_TAKES_EACH),
              String(startAt + 30_000),
            ],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          );
          let out = '';
          let err = '';
          child.stdout.on('data', chunk => (out += String(chunk)));
          child.stderr.on('data', chunk => (err += String(chunk)));
          child.on('close', code =>
            code === 0 ? done(JSON.parse(out) as Tally) : fail(new Error(`child ${code}: ${err}`)),
          );
        }),
    ),
  );
}

describe('taking over a killed run’s lock, by real processes at once', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'output-lock-race-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('never lets two processes hold the lock, over many takeovers', async () => {
    const tallies = await race(work, 4, 4_000);
    const takes = tallies.reduce((sum, t) => sum + t.takes, 0);
    const overlaps = tallies.reduce((sum, t) => sum + t.overlaps, 0);
    // The race really ran: many takeovers, by more than one process.
    expect(takes).toBeGreaterThan(30);
    expect(tallies.filter(t => t.takes > 0).length).toBeGreaterThan(1);
    expect(overlaps).toBe(0);
    // Nothing but the lock (of the last, "killed" holder) is left in the folder.
    expect(readdirSync(work)).toEqual([LOCK_FILE]);
  }, 60_000);
});
