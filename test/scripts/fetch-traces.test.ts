/**
 * scripts/fetch-traces.sh against a local copy laid out like NAB's data folder (file:// URLs): the
 * machine has no route to GitHub, so the real download is not exercised here.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';

const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'scripts', 'fetch-traces.sh');
/**
 * Stand-in traces in NAB's CSV layout (`timestamp,value`), one distinct file per name: the script
 * copies bytes and never reads them, so the test needs no copy of the real traces. It copied
 * them from the shared folder beside the checkout once, which a user's clone does not have, so
 * `npm test` failed there.
 */
const TRACES = mkdtempSync(join(tmpdir(), 'fetch-traces-source-'));
const LAYOUT: Record<string, string> = {
  Twitter_volume_AAPL: 'realTweets',
  Twitter_volume_AMZN: 'realTweets',
  Twitter_volume_CRM: 'realTweets',
  Twitter_volume_FB: 'realTweets',
  ec2_network_in_257a54: 'realAWSCloudwatch',
  elb_request_count_8c0756: 'realAWSCloudwatch',
  'iio_us-east-1_i-a2eb1cd9_NetworkIn': 'realAWSCloudwatch',
  occupancy_6005: 'realTraffic',
};

beforeAll(() => {
  Object.keys(LAYOUT).forEach((name, index) => {
    const rows = Array.from(
      { length: 24 },
      (_, hour) => `2014-04-10 ${String(hour).padStart(2, '0')}:00:00,${(index + 1) * (hour + 1)}`,
    );
    writeFileSync(join(TRACES, `${name}.csv`), ['timestamp,value', ...rows, ''].join('\n'));
  });
});
afterAll(() => rmSync(TRACES, { recursive: true, force: true }));

describe('scripts/fetch-traces.sh', () => {
  let work: string;
  let base: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'fetch-traces-'));
    base = join(work, 'nab', 'data');
    for (const [name, folder] of Object.entries(LAYOUT)) {
      mkdirSync(join(base, folder), { recursive: true });
      copyFileSync(join(TRACES, `${name}.csv`), join(base, folder, `${name}.csv`));
    }
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const fetch = (dest: string) =>
    spawnSync('bash', [SCRIPT, dest], {
      encoding: 'utf8',
      env: { ...process.env, NAB_BASE_URL: `file://${base}` },
    });

  it('fetches every trace the docs use, names the licence, and keeps identical files', () => {
    const dest = join(work, 'traces');
    const first = fetch(dest);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/MIT licence/);
    expect(readdirSync(dest).sort()).toEqual(
      Object.keys(LAYOUT)
        .map(name => `${name}.csv`)
        .sort(),
    );
    expect(readFileSync(join(dest, 'occupancy_6005.csv'), 'utf8')).toBe(
      readFileSync(join(TRACES, 'occupancy_6005.csv'), 'utf8'),
    );
    const again = fetch(dest);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/kept {6}occupancy_6005\.csv \(identical\)/);
  });

  it('refuses to overwrite a differing file and leaves it as it was', () => {
    const dest = join(work, 'traces');
    mkdirSync(dest);
    writeFileSync(join(dest, 'occupancy_6005.csv'), 'mine\n');
    const result = fetch(dest);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/occupancy_6005\.csv exists and differs .* not overwritten/);
    expect(readFileSync(join(dest, 'occupancy_6005.csv'), 'utf8')).toBe('mine\n');
    expect(readdirSync(dest).filter(name => name.startsWith('.'))).toEqual([]);
  });

  it('fails with exit 2 and writes nothing, not even the folder, when a download fails', () => {
    const dest = join(work, 'traces');
    // the last of the list: every other trace downloads first
    rmSync(join(base, 'realTraffic'), { recursive: true });
    const result = fetch(dest);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/could not download .*occupancy_6005\.csv/);
    expect(result.stderr).toMatch(/nothing was written/);
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses with exit 1 and adds no trace beside a differing one', () => {
    const dest = join(work, 'traces');
    mkdirSync(dest);
    writeFileSync(join(dest, 'Twitter_volume_AAPL.csv'), 'mine\n');
    const result = fetch(dest);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/nothing was written/);
    expect(readdirSync(dest)).toEqual(['Twitter_volume_AAPL.csv']);
    expect(readFileSync(join(dest, 'Twitter_volume_AAPL.csv'), 'utf8')).toBe('mine\n');
  });

  it('leaves no temporary file when stopped (Ctrl-C) in the middle of a download', async () => {
    // GIVEN a download that never ends: the last trace is a pipe no one writes
    const dest = join(work, 'traces');
    mkdirSync(dest);
    const fifo = join(base, 'realTraffic', 'occupancy_6005.csv');
    rmSync(fifo);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // WHEN the script runs in its own process group and Ctrl-C reaches the group mid-download
    const child = spawn('bash', [SCRIPT, dest], {
      detached: true,
      env: { ...process.env, NAB_BASE_URL: `file://${base}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>(done => child.on('exit', code => done(code)));
    const deadline = Date.now() + 30_000;
    // (the download of the pipe has begun once a curl process names it)
    while (spawnSync('pgrep', ['-f', `curl .*${fifo}`]).status !== 0) {
      if (Date.now() > deadline) {
        process.kill(-child.pid!, 'SIGKILL');
        throw new Error(`no download started: ${output}`);
      }
      await new Promise(done => setTimeout(done, 50));
    }
    process.kill(-child.pid!, 'SIGINT');
    const code = await exited;
    // THEN it stopped, non-zero, and the folder holds nothing of the run
    expect(code).not.toBe(0);
    expect(readdirSync(dest)).toEqual([]);
  });

  /** Starts the script in its own process group; resolves once it exited. */
  const start = (dest: string) => {
    const child = spawn('bash', [SCRIPT, dest], {
      detached: true,
      env: { ...process.env, NAB_BASE_URL: `file://${base}` },
      stdio: 'ignore',
    });
    const exited = new Promise<void>(done => child.on('exit', () => done()));
    return { pid: child.pid!, exited };
  };
  const traceNames = Object.keys(LAYOUT).map(name => `${name}.csv`);
  const source = (name: string) =>
    readFileSync(join(TRACES, name)).equals(readFileSync(join(dest(), name)));
  const dest = () => join(work, 'traces');

  it('removes the staging folder of a run killed outright (SIGKILL) mid-download on the next run', async () => {
    // GIVEN a run killed with SIGKILL, script and curl at once, while a download hangs on a pipe
    mkdirSync(dest());
    writeFileSync(join(dest(), 'README.md'), 'my notes\n');
    const fifo = join(base, 'realTraffic', 'occupancy_6005.csv');
    rmSync(fifo);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const run = start(dest());
    const deadline = Date.now() + 30_000;
    while (spawnSync('pgrep', ['-f', `curl .*${fifo}`]).status !== 0) {
      if (Date.now() > deadline) throw new Error('no download started');
      await new Promise(done => setTimeout(done, 50));
    }
    process.kill(-run.pid, 'SIGKILL');
    await run.exited;
    const left = readdirSync(dest()).filter(name => name.startsWith('.fetch-traces.'));
    expect(left).toHaveLength(1); // no trap runs on SIGKILL
    expect(readdirSync(dest()).filter(name => traceNames.includes(name))).toEqual([]);
    // WHEN the download works again and the script runs once more
    rmSync(fifo);
    copyFileSync(join(TRACES, 'occupancy_6005.csv'), fifo);
    const again = fetch(dest());
    // THEN the killed run's staging folder is gone and the folder holds the traces and the notes
    expect(again.status).toBe(0);
    expect(readdirSync(dest()).sort()).toEqual([...traceNames, 'README.md'].sort());
    expect(readFileSync(join(dest(), 'README.md'), 'utf8')).toBe('my notes\n');
  }, 60_000);

  it('leaves alone a staging-like folder that holds other files or whose pid runs', () => {
    // GIVEN look-alikes: one of a dead pid holding a file of the user's, one of a running pid
    mkdirSync(join(dest(), '.fetch-traces.4194999.abcdef'), { recursive: true });
    writeFileSync(join(dest(), '.fetch-traces.4194999.abcdef', 'notes.txt'), 'mine\n');
    mkdirSync(join(dest(), `.fetch-traces.${process.pid}.ghijkl`));
    writeFileSync(join(dest(), `.fetch-traces.${process.pid}.ghijkl`, traceNames[0]!), 'part');
    // WHEN the script runs
    expect(fetch(dest()).status).toBe(0);
    // THEN both are as they were
    expect(readFileSync(join(dest(), '.fetch-traces.4194999.abcdef', 'notes.txt'), 'utf8')).toBe(
      'mine\n',
    );
    expect(
      readFileSync(join(dest(), `.fetch-traces.${process.pid}.ghijkl`, traceNames[0]!), 'utf8'),
    ).toBe('part');
  });

  it('property: SIGKILL at any moment leaves only whole traces, and the next run leaves no trace of it', async () => {
    mkdirSync(dest());
    writeFileSync(join(dest(), 'README.md'), 'my notes\n');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 400 }), async delayMs => {
        // GIVEN an empty traces folder but for the user's notes
        for (const name of readdirSync(dest())) {
          if (name !== 'README.md') rmSync(join(dest(), name), { recursive: true, force: true });
        }
        // WHEN a run is killed outright after a random delay
        const run = start(dest());
        await new Promise(done => setTimeout(done, delayMs));
        try {
          process.kill(-run.pid, 'SIGKILL');
        } catch {
          // it had finished
        }
        await run.exited;
        // THEN every trace there is whole, and the notes are as they were
        for (const name of readdirSync(dest()).filter(entry => traceNames.includes(entry))) {
          expect([name, source(name)]).toEqual([name, true]);
        }
        expect(readFileSync(join(dest(), 'README.md'), 'utf8')).toBe('my notes\n');
        // AND the next run completes the folder and removes what the killed one left
        expect(fetch(dest()).status).toBe(0);
        expect(readdirSync(dest()).sort()).toEqual([...traceNames, 'README.md'].sort());
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});
