/**
 * scripts/test-order/sequencer.js, the jest sequencer that runs a tier's files in one of two fixed
 * orders to check that suites sharing a peer pass whichever runs first (docs/testing.md, "Suites
 * sharing a peer"): by path, reversed, and a clear error for any other order.
 */
import fc from 'fast-check';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Sequencer = require('../../scripts/test-order/sequencer.js') as new (options: {
  contexts: unknown[];
  globalConfig: unknown;
}) => { sort(tests: Array<{ path: string }>): Array<{ path: string }> };

function sortWith(order: string | undefined, paths: readonly string[]): string[] {
  const saved = process.env.KAFKA_EKS_TEST_ORDER;
  if (order === undefined) delete process.env.KAFKA_EKS_TEST_ORDER;
  else process.env.KAFKA_EKS_TEST_ORDER = order;
  try {
    const sequencer = new Sequencer({ contexts: [], globalConfig: {} });
    return sequencer.sort(paths.map(path => ({ path }))).map(test => test.path);
  } finally {
    if (saved === undefined) delete process.env.KAFKA_EKS_TEST_ORDER;
    else process.env.KAFKA_EKS_TEST_ORDER = saved;
  }
}

const pathsArb = fc.uniqueArray(fc.stringMatching(/^\/r\/test\/[a-z-]{1,8}\.test\.ts$/), {
  maxLength: 12,
});

describe('the fixed-order test sequencer', () => {
  it('property: forward is by path whatever order jest hands the files in; reverse is its mirror', () => {
    fc.assert(
      fc.property(pathsArb, paths => {
        const byPath = [...paths].sort();
        expect(sortWith(undefined, paths)).toEqual(byPath);
        expect(sortWith('forward', [...paths].reverse())).toEqual(byPath);
        expect(sortWith('reverse', paths)).toEqual([...byPath].reverse());
      }),
    );
  });

  it('refuses an order it does not know, naming the variable, the value and the two orders', () => {
    expect(() => sortWith('random', ['/r/a.test.ts'])).toThrow(
      'KAFKA_EKS_TEST_ORDER=random is not an order: use forward (by path) or reverse',
    );
  });
});
