/**
 * A jest test sequencer that runs test files in a fixed order by repository path: alphabetical,
 * or reversed with `KAFKA_EKS_TEST_ORDER=reverse`. jest's default order comes from its cache (last
 * failures first, then the longest files), so two machines may run the same suites in different
 * orders; this one gives two known orders, for checking that suites sharing a peer (one control
 * plane, one moto, one Prometheus) pass whichever runs first. Use it with `--runInBand` so the
 * order is the order the files actually run in:
 *
 *   KAFKA_EKS_TEST_ORDER=reverse bash scripts/cluster/test-cluster.sh --runInBand \
 *     --testSequencer="$PWD/scripts/test-order/sequencer.js"
 *
 * See docs/testing.md, "Suites sharing a peer".
 */
const Sequencer = require('@jest/test-sequencer').default;

class PathOrderSequencer extends Sequencer {
  /** @param {import('@jest/test-result').Test[]} tests */
  sort(tests) {
    const order = process.env.KAFKA_EKS_TEST_ORDER ?? 'forward';
    if (order !== 'forward' && order !== 'reverse') {
      throw new Error(
        `KAFKA_EKS_TEST_ORDER=${order} is not an order: use forward (by path) or reverse`,
      );
    }
    const sorted = [...tests].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (order === 'reverse') sorted.reverse();
    if (process.env.KAFKA_EKS_TEST_ORDER_LOG === '1') {
      for (const t of sorted) process.stderr.write(`[order] ${t.path}\n`);
    }
    return sorted;
  }
}

module.exports = PathOrderSequencer;
