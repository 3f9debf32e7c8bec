/**
 * One of the processes of `output-lock-race.test.ts`: for `untilMs` it takes the lock of `folder`
 * again and again, and each time it got it, checks that no other process holds it (a folder
 * `inside`, created exclusively while holding) and then dies as a killed run would: it leaves a
 * lock naming a process that has exited (`deadPid`) in place, so the others race to take over.
 * It goes on past `untilMs` until it has taken the lock `minTakes` times, or `hardUntilMs`: on a
 * loaded machine a fixed window alone gave a handful of takes, and a race that barely ran proves
 * nothing. Prints `{ takes, overlaps, refused }` as JSON.
 * Usage: tsx lock-race-child.ts <folder> <deadPid> <startAtMs> <untilMs> <minTakes> <hardUntilMs>
 */
import { mkdirSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_FILE, OutputOwnershipError, takeLock } from '../../charts/output';

const [folder = '', deadPid = '', startAt = '0', until = '0', minTakes = '0', hardUntil = '0'] =
  process.argv.slice(2);
let takes = 0;
let overlaps = 0;
let refused = 0;
const spinUntil = (time: number): void => {
  while (Date.now() < time) {
    // busy wait: the processes start together
  }
};
spinUntil(Number(startAt));
const running = (): boolean =>
  Date.now() < Number(until) || (takes < Number(minTakes) && Date.now() < Number(hardUntil));
while (running()) {
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
