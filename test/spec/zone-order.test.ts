/** Which `zones` edits a deployed platform can take (spec/zone-order.ts). */
import fc from 'fast-check';
import {
  deployedZoneOrder,
  GITOPS_ZONE_ORDER,
  keepsZonePositions,
  PULUMI_ZONE_ORDER,
  zoneOrderProblem as zoneOrderProblemOf,
  ZONE_ORDER_OUTPUT,
  type ZoneOrderRenderer,
} from '../../spec/zone-order';

/** The Pulumi wording, which most cases below assert; the rule does not depend on it. */
function zoneOrderProblem(
  deployed: readonly string[],
  next: readonly string[],
  renderer: ZoneOrderRenderer = PULUMI_ZONE_ORDER,
) {
  return zoneOrderProblemOf(deployed, next, renderer);
}

const NAMES = ['z1', 'z2', 'z3', 'z4', 'z5', 'z6', 'z7', 'z8', 'z9'];

/** A deployed list (1-6 distinct zones) and zones it does not hold. */
const deployedAndFresh = fc
  .shuffledSubarray(NAMES, { minLength: 4, maxLength: NAMES.length })
  .chain(names =>
    fc.integer({ min: 1, max: Math.min(6, names.length - 1) }).map(size => ({
      deployed: names.slice(0, size),
      fresh: names.slice(size),
    })),
  );

/** One edit of a deployed list, with whether it keeps every deployed position. */
type Edit = { readonly next: string[]; readonly keeps: boolean; readonly what: string };

const edit = deployedAndFresh.chain(({ deployed, fresh }) => {
  const n = deployed.length;
  const index = fc.integer({ min: 0, max: n - 1 });
  const options: Array<fc.Arbitrary<Edit>> = [
    fc.constant({ next: [...deployed], keeps: true, what: 'unchanged' }),
    fc.integer({ min: 1, max: fresh.length }).map(count => ({
      next: [...deployed, ...fresh.slice(0, count)],
      keeps: true,
      what: 'append',
    })),
    fc.integer({ min: 1, max: n }).map(count => ({
      next: deployed.slice(0, n - count),
      keeps: true,
      what: 'drop from the end',
    })),
    index.map(at => ({
      next: [...deployed.slice(0, at), fresh[0] as string, ...deployed.slice(at)],
      keeps: false,
      what: 'insert before the end',
    })),
    index.map(at => ({
      next: deployed.map((zone, i) => (i === at ? (fresh[0] as string) : zone)),
      keeps: false,
      what: 'replace in place',
    })),
  ];
  if (n >= 2) {
    const pair = fc
      .tuple(index, index)
      .filter(([a, b]) => a !== b)
      .map(([a, b]) => {
        const next = [...deployed];
        [next[a], next[b]] = [next[b] as string, next[a] as string];
        return { next, keeps: false, what: 'swap' };
      });
    options.push(pair);
    options.push(
      fc.integer({ min: 0, max: n - 2 }).map(at => ({
        next: deployed.filter((_, i) => i !== at),
        keeps: false,
        what: 'remove before the end',
      })),
    );
  }
  return fc.tuple(fc.constant(deployed), fc.oneof(...options));
});

describe('zoneOrderProblem', () => {
  it('property: appending, dropping from the end and no change pass; a swap, an insertion, a removal or a replacement before the end is refused', () => {
    fc.assert(
      fc.property(edit, ([deployed, { next, keeps }]) => {
        // One rule for both renderers: only the words differ.
        for (const renderer of [PULUMI_ZONE_ORDER, GITOPS_ZONE_ORDER]) {
          expect(zoneOrderProblem(deployed, next, renderer) === undefined).toBe(keeps);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: accepted <=> every deployed zone keeps its index or leaves, and no new zone takes a deployed position', () => {
    const anyList = fc.shuffledSubarray(NAMES, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(anyList, anyList, (deployed, next) => {
        const zonesKeepIndex = deployed.every(
          (zone, index) => !next.includes(zone) || next.indexOf(zone) === index,
        );
        const noNewZoneInDeployedPosition = next.every(
          (zone, index) => index >= deployed.length || deployed.includes(zone),
        );
        expect(zoneOrderProblem(deployed, next) === undefined).toBe(
          zonesKeepIndex && noNewZoneInDeployedPosition,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('property: the list a refusal suggests (the last one, when it takes two runs) passes, and keeps every zone the edit kept', () => {
    fc.assert(
      fc.property(edit, ([deployed, { next }]) => {
        const problem = zoneOrderProblem(deployed, next);
        if (problem === undefined) return;
        const suggested = [...problem.message.matchAll(/zones (\[[^\]]*\])/g)].map(
          match => JSON.parse(match[1] ?? '[]') as string[],
        );
        expect(suggested.length).toBeGreaterThan(0);
        let from = deployed;
        for (const step of suggested) {
          expect(keepsZonePositions(from, step)).toBe(true);
          from = step;
        }
        for (const zone of next) expect(from).toContain(zone);
      }),
      { numRuns: 500 },
    );
  });

  it('throws when two zones swap: names zones, both lists, each moved position and the fix', () => {
    const problem = zoneOrderProblem(
      ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      ['us-east-1b', 'us-east-1a', 'us-east-1c'],
    );
    expect(problem?.path).toBe('zones');
    expect(problem?.message).toContain(
      '["us-east-1b", "us-east-1a", "us-east-1c"] does not keep the zones the stack last deployed, ["us-east-1a", "us-east-1b", "us-east-1c"] (stack output zoneOrder)',
    );
    expect(problem?.message).toContain(
      'position 1 holds "us-east-1b" instead of "us-east-1a" (which moves to position 2)',
    );
    expect(problem?.message).toContain(
      'position 2 holds "us-east-1a" instead of "us-east-1b" (which moves to position 1)',
    );
    expect(problem?.message).toContain('Fix: use zones ["us-east-1a", "us-east-1b", "us-east-1c"]');
    expect(problem?.message).toContain('pulumi destroy');
  });

  it('throws when a zone is removed from the middle, and keeps it in the fix', () => {
    const problem = zoneOrderProblem(['a', 'b', 'c'], ['a', 'c']);
    expect(problem?.message).toContain('position 2 holds "c" instead of "b" (which leaves zones)');
    expect(problem?.message).toContain('Fix: use zones ["a", "b", "c"]');
  });

  it('throws when a zone is inserted in the middle, and appends it in the fix', () => {
    const problem = zoneOrderProblem(['a', 'b', 'c'], ['a', 'd', 'b', 'c']);
    expect(problem?.message).toContain('Fix: use zones ["a", "b", "c", "d"]');
  });

  it('throws when a new zone takes the place of one dropped from the end in the same run, and splits it in two runs', () => {
    const problem = zoneOrderProblem(['a', 'b', 'c'], ['a', 'b', 'd']);
    expect(problem?.message).toContain('position 3 holds "d" instead of "c" (which leaves zones)');
    expect(problem?.message).toContain(
      'drop the zones from the end first (zones ["a", "b"], one pulumi up), then append the new ones (zones ["a", "b", "d"], a second pulumi up)',
    );
  });

  it('words the same refusal for synth: the previous output, synth and sync, --ignore-previous-output', () => {
    const problem = zoneOrderProblem(['a', 'b', 'c'], ['a', 'x', 'c'], GITOPS_ZONE_ORDER);
    expect(problem?.path).toBe('zones');
    expect(problem?.message).toMatch(
      /^\["a", "x", "c"\] does not keep the zones of the previous output, \["a", "b", "c"\] \(the zone and strimzi.io\/next-node-ids block of each of its broker pools\): position 2 holds "x" instead of "b" \(which leaves zones\)\./,
    );
    expect(problem?.message).toContain('Fix: use zones ["a", "b", "c", "x"]');
    expect(problem?.message).toContain('--ignore-previous-output');
    expect(problem?.message).not.toContain('pulumi');
    const last = zoneOrderProblem(['a', 'b', 'c'], ['a', 'b', 'x'], GITOPS_ZONE_ORDER);
    expect(last?.message).toContain(
      'Fix: drop the zones from the end first (zones ["a", "b"], one synth and sync), then append the new ones (zones ["a", "b", "x"], a second synth and sync)',
    );
  });

  it('passes an unchanged list, an appended zone and zones dropped from the end', () => {
    expect(zoneOrderProblem(['a', 'b', 'c'], ['a', 'b', 'c'])).toBeUndefined();
    expect(zoneOrderProblem(['a', 'b', 'c'], ['a', 'b', 'c', 'd'])).toBeUndefined();
    expect(zoneOrderProblem(['a', 'b', 'c'], ['a'])).toBeUndefined();
  });
});

describe('deployedZoneOrder', () => {
  it('reads a list of zone names, and nothing as nothing (a first deployment)', () => {
    expect(deployedZoneOrder(['a', 'b'])).toEqual(['a', 'b']);
    expect(deployedZoneOrder(undefined)).toBeUndefined();
    expect(deployedZoneOrder(null)).toBeUndefined();
  });

  it('throws when the output is not a list of zone names, naming the output, the value and the fix', () => {
    expect(() => deployedZoneOrder('a,b')).toThrow(
      `stack output ${ZONE_ORDER_OUTPUT} of the last deployment is "a,b", not a list of zone names`,
    );
    expect(() => deployedZoneOrder(['a', 1])).toThrow('pulumi stack import');
  });
});
