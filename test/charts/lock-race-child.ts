/**
 * One of the processes of `output-lock-race.test.ts`: for `untilMs` it takes the lock of `folder`
 * again and again, and each time it got it, checks that no other process holds it (a folder
 * `inside`, created exclusively while holding) and then dies as a killed run would: it leaves a
 * lock naming a process that has exited (`deadPid`) in place, so the others race to take over.
 * Prints `{ takes, overlaps, refused }` as JSON.
 * Usage: tsx lock-race-child.ts <folder> <deadPid> <startAtMs> <untilMs>
 */
import { mkdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, OutputOwnershipError, takeLock } from '../../charts/output';

const [folder = '', deadPid = '', startAt = '0', until = '0'] = process.argv.slice(2);
let takes = 0;
let overlaps = 0;
let refused = 0;
const spinUntil = (time: number): void => {
  while (Date.now() < time) {
    // busy wait: the processes start together
  }
};
spinUntil(Number(startAt));
while (Date.now() < Number(until)) {
  try {
    takeLock(folder);
  } catch (error) {
    if (!(error instanceof OutputOwnershipError)) throw error;
    refused += 1;
    continue;
  }
  takes += 1;
  let mine = true;
  try {
    mkdirSync(join(folder, 'inside'));
  } catch {
    overlaps += 1;
    mine = false;
  }
  spinUntil(Date.now() + 2);
  if (mine) rmdirSync(join(folder, 'inside'));
  // Killed while holding: a lock naming a gone process stays behind.
  const next = join(folder, `dead-${process.pid}`);
  writeFileSync(next, `${deadPid}\n`);
  renameSync(next, join(folder, LOCK_FILE));
}
process.stdout.write(JSON.stringify({ takes, overlaps, refused }));
