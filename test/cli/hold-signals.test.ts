/**
 * `writeHoldingSignals` in process: a signal is modelled by emitting it on `process` (what Node
 * does when one arrives), during the write or in the turns after it, and `exit` is a stand-in that
 * throws, so the test sees the status instead of ending. `synth-signals.test.ts` sends real
 * signals to real CLI processes.
 */
import { HELD_SIGNALS, signalExitCode, writeHoldingSignals } from '../../cli/hold-signals';

class Exited extends Error {
  public constructor(public readonly code: number) {
    super(`exit ${code}`);
  }
}

function harness(): {
  stderr: string[];
  options: Parameters<typeof writeHoldingSignals>[1];
} {
  const stderr: string[] = [];
  return {
    stderr,
    options: {
      command: 'synth',
      target: 'out',
      io: { stdout: () => undefined, stderr: text => void stderr.push(text) },
      exit: code => {
        throw new Exited(code);
      },
    },
  };
}

const listenerCounts = (): number[] => HELD_SIGNALS.map(signal => process.listenerCount(signal));

describe('writeHoldingSignals', () => {
  it('gives the shell status of each held signal', () => {
    expect(HELD_SIGNALS.map(signalExitCode)).toEqual([130, 143, 129]);
  });

  it('returns what the write returned, says nothing, and removes its handlers', async () => {
    const before = listenerCounts();
    const { stderr, options } = harness();
    let during: number[] = [];
    const value = await writeHoldingSignals(() => {
      during = listenerCounts();
      return 42;
    }, options);
    expect(value).toBe(42);
    expect(stderr).toEqual([]);
    expect(during).toEqual(before.map(count => count + 1));
    expect(listenerCounts()).toEqual(before);
  });

  it('passes on what the write threw, when no signal arrived', async () => {
    const before = listenerCounts();
    const { stderr, options } = harness();
    await expect(
      writeHoldingSignals(() => {
        throw new Error('ENOSPC: no space left on device');
      }, options),
    ).rejects.toThrow('ENOSPC');
    expect(stderr).toEqual([]);
    expect(listenerCounts()).toEqual(before);
  });

  it.each(HELD_SIGNALS)(
    'holds %s during the write, then says the output is whole and exits with 128 + its number',
    async signal => {
      const before = listenerCounts();
      const { stderr, options } = harness();
      let finished = false;
      const run = writeHoldingSignals(() => {
        process.emit(signal);
        finished = true;
        return 'report';
      }, options);
      await expect(run).rejects.toEqual(new Exited(signalExitCode(signal)));
      expect(finished).toBe(true);
      expect(stderr).toEqual([
        `synth: ${signal} arrived while writing out; the write was finished first, so out holds the whole new output; stopped (exit ${signalExitCode(signal)})\n`,
      ]);
      expect(listenerCounts()).toEqual(before);
    },
  );

  it('still catches a signal that reaches the handlers in the turn after the write', async () => {
    const { stderr, options } = harness();
    const run = writeHoldingSignals(() => {
      setImmediate(() => process.emit('SIGTERM'));
      return 'report';
    }, options);
    await expect(run).rejects.toEqual(new Exited(143));
    expect(stderr).toHaveLength(1);
  });

  it('names the failure, not a whole output, when the write failed under a signal', async () => {
    const { stderr, options } = harness();
    const run = writeHoldingSignals(() => {
      process.emit('SIGINT');
      throw new Error('out: writing failed part way; every file was put back');
    }, options);
    await expect(run).rejects.toEqual(new Exited(130));
    expect(stderr).toEqual([
      'synth: SIGINT arrived while writing out; the write failed: out: writing failed part way; every file was put back; stopped (exit 130)\n',
    ]);
  });

  it('reports the first of several signals', async () => {
    const { stderr, options } = harness();
    const run = writeHoldingSignals(() => {
      process.emit('SIGHUP');
      process.emit('SIGTERM');
    }, options);
    await expect(run).rejects.toEqual(new Exited(129));
    expect(stderr[0]).toMatch(/^synth: SIGHUP arrived/);
  });
});
