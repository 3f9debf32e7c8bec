/**
 * Scenario 2b, a leader PAUSED rather than killed: `SIGSTOP` (a long GC pause, a frozen VM) the
 * instant the API has accepted its first write of a step, held past the Lease duration until the
 * other replica has taken the Lease over and acted on the operation in flight (a record written
 * under its name), then `SIGCONT`. The resumed process still has its pass in memory, with the next
 * write of the step queued right behind the answer it was waiting for.
 *
 * Telling the two replicas' writes apart: both use one ServiceAccount, so the taps cannot say who
 * sent a write. Instead the new leader is itself stopped for a short window while the old one
 * resumes: every write accepted inside the window came from the old leader, which no longer holds
 * the Lease, so there must be none. The window (4 s) is shorter than the Lease duration (6 s), so
 * the resumed replica cannot legitimately win the Lease inside it (it must watch the Lease
 * unchanged for a whole duration first), and longer than a retry period plus a pass, so its queued
 * write has had time to go out. The new leader is then resumed too (paused for about the renew
 * deadline: its own fence holds it until it renews) and the run goes on.
 *
 * Struck at three steps of one scale-out (one pause at a time, alternating victims), each the first
 * write of a step with another write queued behind it: the desired capacity raise (an Auto Scaling
 * write; its Event queued), the record of a new operation (its cordon queued) and the first roll
 * request (its record of the move queued). Each queued write must be refused: by the write fence
 * (the lease lapsed by the monotonic clock, or the Lease read back names another replica) or by the
 * object's own guard (the node changed since it was observed: the new leader adopted the record).
 * The run must still end at two nodes per zone, every broker Ready, zero violations.
 */
import { readFileSync } from 'node:fs';
import type { WriteEvent } from '../controller/invariants';
import { startRun, type E2eRun } from './environment';
import { sleep, waitUntil } from './processes';
import {
  demandForLevel,
  describeCluster,
  leaderNow,
  waitEven,
  waitForLeader,
  WriteSteps,
  type WriteStep,
} from './scenario';

/** The steps struck, in the order a scale-out makes them. */
const PAUSED_AT: readonly WriteStep[] = ['set-desired', 'record-start', 'request-roll'];

/** How long the old leader runs alone after SIGCONT, ms: below the 6 s Lease duration. */
const WINDOW_MS = 4_000;

interface Pause {
  readonly step: WriteStep;
  readonly paused: string;
  readonly takenOverBy: string;
  /** Writes accepted while only the resumed (not leading) replica ran: must be none. */
  readonly writesInWindow: readonly WriteEvent[];
  /** Writes the resumed replica had refused (its log: fence or object guard), for the record. */
  readonly refused: number;
}

describe('a leader paused past its Lease, resumed after another replica acted', () => {
  let run: E2eRun | undefined;

  afterAll(async () => {
    // A replica left stopped by a failed assertion would not stop on SIGTERM.
    for (const replica of run?.controllers.replicas ?? []) replica.process.child.kill('SIGCONT');
    await run?.stop();
  });

  test(
    'SIGSTOP right after the first write of a step, SIGCONT after the takeover: the old leader writes nothing',
    async () => {
      run = await startRun('paused-leader');
      const current = run;
      const { recorder, standIn, controllers, kubeTap, motoTap } = current;
      let leader = await waitForLeader(current);
      const steps = new WriteSteps();
      const pauses: Pause[] = [];
      const recoveries: Array<Promise<void>> = [];
      let armed: WriteStep | undefined = PAUSED_AT[0];

      const processOf = (identity: string) => {
        const replica = controllers.replicas.find(r => r.identity === identity);
        if (replica === undefined) throw new Error(`no replica ${identity}`);
        return replica.process;
      };
      const allWrites = () => [...kubeTap.writes, ...motoTap.writes];

      const recover = async (step: WriteStep, paused: string, stoppedAtMs: number) => {
        const takenOverBy = await waitUntil(
          `a replica other than ${paused} to hold the Lease after the pause at ${step}`,
          async () => {
            const holder = await leaderNow(current);
            return holder !== undefined && holder !== paused ? holder : undefined;
          },
          60_000,
          { everyMs: 200 },
        );
        // Acted: an operation record written under the new leader's name after the pause (the
        // adoption of the operation in flight, or its next step).
        await waitUntil(
          `${takenOverBy} to write a record after the pause at ${step}`,
          () => kubeTap.writes.some(w => w.atMs > stoppedAtMs && w.record?.holder === takenOverBy),
          60_000,
          { everyMs: 100, describe: () => describeCluster(current) },
        );
        const newLeader = processOf(takenOverBy);
        newLeader.child.kill('SIGSTOP');
        // Lets a write the new leader had already sent land before the window opens.
        await sleep(500);
        const logBefore = readFileSync(processOf(paused).logFile, 'utf8').length;
        const windowStartMs = Date.now();
        recorder.fault(`SIGCONT ${paused} (${takenOverBy} stopped for ${WINDOW_MS / 1000} s)`);
        processOf(paused).child.kill('SIGCONT');
        await sleep(WINDOW_MS);
        const windowEndMs = Date.now();
        newLeader.child.kill('SIGCONT');
        recorder.fault(`SIGCONT ${takenOverBy}`);
        const log = readFileSync(processOf(paused).logFile, 'utf8').slice(logBefore);
        pauses.push({
          step,
          paused,
          takenOverBy,
          writesInWindow: allWrites().filter(w => w.atMs >= windowStartMs && w.atMs <= windowEndMs),
          refused: (log.match(/write dropped|not writing|changed since it was observed/g) ?? [])
            .length,
        });
        leader = takenOverBy;
        armed = PAUSED_AT[PAUSED_AT.indexOf(step) + 1];
      };

      // Both taps call this synchronously for each accepted write, before the writer sees the
      // answer: the writer is stopped with its next write queued behind that answer.
      const onWrite = (write: WriteEvent) => {
        const step = steps.stepOf(write);
        if (armed === undefined || step !== armed) return;
        // A record names its writer: one written by another replica is not the leader's.
        if (write.record?.holder !== undefined && write.record.holder !== leader) return;
        const paused = leader;
        processOf(paused).child.kill('SIGSTOP');
        armed = undefined;
        const stoppedAtMs = Date.now();
        recorder.fault(`SIGSTOP ${paused} right after its first ${step} write`);
        recoveries.push(recover(step, paused, stoppedAtMs));
      };
      kubeTap.onWrite = onWrite;
      motoTap.onWrite = onWrite;

      standIn.rampTo(demandForLevel(current, 2), 10);
      await waitEven(current, 2, 9 * 60_000);
      await Promise.all(recoveries);

      recorder.fault(
        `pauses: ${pauses
          .map(p => `${p.step} (${p.paused} -> ${p.takenOverBy}, ${p.refused} refused)`)
          .join('; ')}`,
      );
      const { violations } = await current.finish();
      expect(violations).toEqual([]);
      expect(pauses.map(p => p.step)).toEqual(PAUSED_AT);
      for (const pause of pauses) {
        expect({ step: pause.step, writes: pause.writesInWindow }).toEqual({
          step: pause.step,
          writes: [],
        });
      }
      // Each pause handed the Lease to the other replica.
      for (const pause of pauses) expect(pause.takenOverBy).not.toBe(pause.paused);
    },
    15 * 60_000,
  );
});
