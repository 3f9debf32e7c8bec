/**
 * The output folder's lock (`charts/output.ts`, `.synth-lock`) read while another run is between
 * its steps: it creates the lock file, then writes its pid, and removes it when done. A reader
 * that took the empty file for a killed run's lock let two runs write one folder; one that found
 * the lock gone between its failed create and its read called it "not a lock synth wrote".
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, OutputOwnershipError, writeOwnedFiles } from '../../charts/output';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('the lock of an output folder, read between another run’s steps', () => {
  let work: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'output-lock-'));
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('an empty lock that a live run fills within the settle time is that run’s: refused, nothing written', () => {
    // GIVEN an earlier output and a lock just created, empty, by a live run (a process that
    // keeps running) that writes its pid into it 300 ms later
    const out = join(work, 'out');
    writeOwnedFiles(files({ 'a.yaml': 'a' }), out);
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(holder);
    const lock = join(out, LOCK_FILE);
    writeFileSync(lock, '');
    const writer = spawn('sh', ['-c', `sleep 0.3; printf '%s\\n' ${holder.pid} > '${lock}'`], {
      stdio: 'ignore',
    });
    children.push(writer);
    // WHEN this run tries to write the folder
    // THEN it waits for the pid and refuses, naming the run that holds the folder
    expect(() => writeOwnedFiles(files({ 'a.yaml': 'A' }), out)).toThrow(
      new RegExp(`another synth run \\(pid ${holder.pid}\\) is writing this folder`),
    );
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('a');
  });

  it('an empty lock that stays empty past the settle time is a killed run’s: taken over', () => {
    const out = join(work, 'out');
    writeOwnedFiles(files({ 'a.yaml': 'a' }), out);
    writeFileSync(join(out, LOCK_FILE), '');
    writeOwnedFiles(files({ 'a.yaml': 'A' }), out);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('A');
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('a lock with other content is refused, never removed', () => {
    const out = join(work, 'out');
    writeOwnedFiles(files({ 'a.yaml': 'a' }), out);
    writeFileSync(join(out, LOCK_FILE), 'mine\n');
    expect(() => writeOwnedFiles(files({ 'a.yaml': 'A' }), out)).toThrow(OutputOwnershipError);
    expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe('mine\n');
  });

  it('a killed run’s lock helpers are removed by the next run; look-alikes of other content stay', () => {
    // GIVEN the lock of a killed run, its half-done takeover marker and its own candidate lock
    const out = join(work, 'out');
    writeOwnedFiles(files({ 'a.yaml': 'a' }), out);
    const dead = String(spawnSync(process.execPath, ['-e', '']).pid);
    writeFileSync(join(out, LOCK_FILE), `${dead}\n`);
    writeFileSync(join(out, `${LOCK_FILE}.reap-${dead}`), `${dead}\n`);
    writeFileSync(join(out, `${LOCK_FILE}.new-${dead}`), `${dead}\n`);
    writeFileSync(join(out, `${LOCK_FILE}.new-notes`), 'my notes\n');
    // WHEN the next run writes the folder
    writeOwnedFiles(files({ 'a.yaml': 'A' }), out);
    // THEN it took over, and only the user's look-alike is left
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('A');
    expect(readdirSync(out).filter(name => name.startsWith(LOCK_FILE))).toEqual([
      `${LOCK_FILE}.new-notes`,
    ]);
  });

  it('a killed run’s lock that a live run is taking over is left to it: refused, nothing written', () => {
    // GIVEN a dead run's lock and the takeover marker of a live run (one that keeps running)
    const out = join(work, 'out');
    writeOwnedFiles(files({ 'a.yaml': 'a' }), out);
    const dead = String(spawnSync(process.execPath, ['-e', '']).pid);
    const live = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(live);
    writeFileSync(join(out, LOCK_FILE), `${dead}\n`);
    writeFileSync(join(out, `${LOCK_FILE}.reap-${dead}`), `${live.pid}\n`);
    // WHEN this run tries; THEN it does not take the lock the live run is taking over
    expect(() => writeOwnedFiles(files({ 'a.yaml': 'A' }), out)).toThrow(
      /another synth run is taking over the lock a killed run left; wait for it to finish/,
    );
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('a');
    expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe(`${dead}\n`);
  });

  it('a takeover marker left by a run killed while taking over is itself taken over', () => {
    const out = join(work, 'out');
    writeOwnedFiles(files({ 'a.yaml': 'a' }), out);
    const dead = String(spawnSync(process.execPath, ['-e', '']).pid);
    const reaper = String(spawnSync(process.execPath, ['-e', '']).pid);
    writeFileSync(join(out, LOCK_FILE), `${dead}\n`);
    writeFileSync(join(out, `${LOCK_FILE}.reap-${dead}`), `${reaper}\n`);
    writeOwnedFiles(files({ 'a.yaml': 'A' }), out);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('A');
    expect(readdirSync(out).filter(name => name.startsWith(LOCK_FILE))).toEqual([]);
  });
});
