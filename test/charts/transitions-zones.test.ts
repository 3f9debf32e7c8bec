/**
 * Edits of the `zones` list against the previous output (charts/transitions.ts): each zone's broker
 * pool takes the node-ID block of its position (spec/derive.ts), and Strimzi keeps the IDs of
 * running brokers and gives new ones the lowest ID no existing pool holds, so synth refuses exactly
 * the edits the Pulumi program refuses (spec/zone-order.ts `keepsZonePositions`, one rule): a
 * reorder, a zone inserted or removed before the end, or a new zone in the place of one that
 * leaves. Appending a zone or dropping the last one is accepted. The property: synth accepts an
 * edit exactly when the shared rule does, and whatever it accepts keeps every running broker's ID
 * block and its per-broker NLB listener entry.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import type { KubeObject } from '../../charts/synth';
import { previousZoneOrder, transitionReport } from '../../charts/transitions';
import { STRIMZI_NEXT_NODE_IDS_ANNOTATION } from '../../charts/kafka/labels';
import { keepsZonePositions } from '../../spec/zone-order';
import { specInput } from '../util/specs';
import { objectsOf } from '../util/transitions';

const REGION = 'us-west-2';
const LETTERS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
const BROKERS_PER_ZONE = 2;

/** A spec over `letters` (zones `us-west-2<letter>` in that order), each NLB pinned to its zone. */
function specFor(letters: readonly string[]): PlatformSpecInput {
  const zones = letters.map(letter => `${REGION}${letter}`);
  const input = specInput(zones.length, BROKERS_PER_ZONE);
  return {
    ...input,
    zones,
    kafka: {
      ...input.kafka,
      external: {
        enabled: true,
        allowedCidrs: ['10.0.0.0/8'],
        subnets: Object.fromEntries(
          zones.map(zone => [zone, `subnet-0${zone.slice(-1).charCodeAt(0)}3456789abcdef`]),
        ),
      },
    },
  };
}

function reportOf(before: readonly string[], after: readonly string[]) {
  const previous = objectsOf(specFor(before));
  const next = objectsOf(specFor(after));
  return { previous, next, ...transitionReport(previous, next, parseSpec(specFor(after)).spec) };
}

type Obj = Record<string, unknown>;

/** Broker pools by name: their `next-node-ids` range and replicas. */
function brokerPools(
  objects: readonly KubeObject[],
): Map<string, { range: string; replicas: number }> {
  const pools = new Map<string, { range: string; replicas: number }>();
  for (const object of objects) {
    if (object.kind !== 'KafkaNodePool') continue;
    const spec = (object as unknown as { spec: { roles: string[]; replicas: number } }).spec;
    if (!spec.roles.includes('broker')) continue;
    const annotations = (object.metadata as { annotations?: Record<string, string> }).annotations;
    pools.set(object.metadata.name, {
      range: annotations?.[STRIMZI_NEXT_NODE_IDS_ANNOTATION] ?? '',
      replicas: spec.replicas,
    });
  }
  return pools;
}

/** The IDs Strimzi gave the running brokers of a pool created with `range` and `replicas`. */
function runningIds(range: string, replicas: number): number[] {
  const first = Number(/^\[(\d+)-/.exec(range)?.[1]);
  return Array.from({ length: replicas }, (_, i) => first + i);
}

/** The per-broker entries of the external listener: broker ID -> its annotations. */
function listenerEntries(objects: readonly KubeObject[]): Map<number, unknown> {
  const kafka = objects.find(object => object.kind === 'Kafka') as unknown as {
    spec: { kafka: { listeners: Array<{ name: string; configuration?: Obj }> } };
  };
  const external = kafka.spec.kafka.listeners.find(listener => listener.name === 'external');
  const brokers = (external?.configuration?.['brokers'] ?? []) as Array<{
    broker: number;
    annotations: unknown;
  }>;
  return new Map(brokers.map(entry => [entry.broker, entry.annotations]));
}

/** `us-west-2<letter>` for each letter, as the messages show a list. */
function shown(letters: readonly string[]): string {
  return `[${letters.map(letter => `"${REGION}${letter}"`).join(', ')}]`;
}

describe('zones edits against the previous output', () => {
  it('refuses a reordered zone list with the shared rule: both lists, each moved position, the way out', () => {
    const { problems } = reportOf(['a', 'b', 'c'], ['b', 'a', 'c']);
    expect(problems.map(problem => problem.path)).toEqual(['zones']);
    const text = problems[0]?.message ?? '';
    expect(text).toContain(
      `${shown(['b', 'a', 'c'])} does not keep the zones of the previous output, ${shown(['a', 'b', 'c'])} (the zone and strimzi.io/next-node-ids block of each of its broker pools)`,
    );
    expect(text).toContain(
      'position 1 holds "us-west-2b" instead of "us-west-2a" (which moves to position 2)',
    );
    expect(text).toContain(`Fix: use zones ${shown(['a', 'b', 'c'])}`);
    expect(text).toContain('--ignore-previous-output');
  });

  it('refuses removing a zone from the middle, which shifts the zones after it', () => {
    const { problems, warnings } = reportOf(['a', 'b', 'c'], ['a', 'c']);
    expect(problems.map(problem => problem.message)).toEqual([
      expect.stringContaining(
        'position 2 holds "us-west-2c" instead of "us-west-2b" (which leaves zones)',
      ),
    ]);
    expect(warnings.map(warning => warning.message).join('\n')).toContain('"brokers-b"');
  });

  it('refuses inserting a zone in the middle', () => {
    const { problems } = reportOf(['a', 'b', 'c'], ['a', 'd', 'b', 'c']);
    expect(problems.map(problem => problem.message)).toEqual([
      expect.stringContaining(`Fix: use zones ${shown(['a', 'b', 'c', 'd'])}`),
    ]);
  });

  it('refuses a new zone in the place of one that leaves, in the middle or at the end (the new pool would take the old block)', () => {
    // GIVEN zones a, b, c deployed; WHEN x replaces b (or c) in the same run
    const middle = reportOf(['a', 'b', 'c'], ['a', 'x', 'c']);
    const last = reportOf(['a', 'b', 'c'], ['a', 'b', 'x']);
    // THEN synth refuses, as pulumi up does, instead of only warning that b's pool goes
    expect(middle.problems.map(problem => problem.message)).toEqual([
      expect.stringContaining(
        'position 2 holds "us-west-2x" instead of "us-west-2b" (which leaves zones)',
      ),
    ]);
    expect(last.problems.map(problem => problem.message)).toEqual([
      expect.stringContaining(
        `drop the zones from the end first (zones ${shown(['a', 'b'])}, one synth and sync), then append the new ones (zones ${shown(['a', 'b', 'x'])}, a second synth and sync)`,
      ),
    ]);
  });

  it('accepts appending a zone and removing the last one (the pool still warns), and the two runs the fix names', () => {
    expect(reportOf(['a', 'b', 'c'], ['a', 'b', 'c', 'd']).problems).toEqual([]);
    const removed = reportOf(['a', 'b', 'c'], ['a', 'b']);
    expect(removed.problems).toEqual([]);
    expect(removed.warnings.map(warning => warning.message).join('\n')).toContain('"brokers-c"');
    expect(reportOf(['a', 'b'], ['a', 'b', 'x']).problems).toEqual([]);
  });

  it('accepts an edit exactly when the shared rule does, and accepted edits keep every running broker ID block and its NLB listener entry (property)', () => {
    const edit = fc.oneof(
      fc.record({
        kind: fc.constant('permute' as const),
        seed: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat() }),
    );
    const base = fc
      .shuffledSubarray([...LETTERS], { minLength: 2, maxLength: 4 })
      .filter(letters => letters.length >= 2);
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(base, edit, (before, change) => {
        let after: string[];
        const fresh = LETTERS.find(letter => !before.includes(letter));
        if (change.kind === 'permute') {
          after = before
            .map((letter, i) => ({ letter, key: change.seed[i] ?? 0 }))
            .sort((x, y) => x.key - y.key)
            .map(entry => entry.letter);
        } else if (change.kind === 'remove') {
          if (before.length <= 2) return;
          after = before.filter((_, i) => i !== change.at % before.length);
        } else if (change.kind === 'insert') {
          if (fresh === undefined) return;
          const at = change.at % (before.length + 1);
          after = [...before.slice(0, at), fresh, ...before.slice(at)];
        } else {
          if (fresh === undefined) return;
          const at = change.at % before.length;
          after = before.map((letter, i) => (i === at ? fresh : letter));
        }
        const { previous, next, problems } = reportOf(before, after);
        // One rule for both renderers: synth refuses exactly what the Pulumi program refuses.
        expect(problems.length === 0).toBe(keepsZonePositions(before, after));
        if (problems.length > 0) {
          refused += 1;
          return;
        }
        accepted += 1;
        const was = brokerPools(previous);
        const now = brokerPools(next);
        const entriesBefore = listenerEntries(previous);
        const entriesAfter = listenerEntries(next);
        for (const [pool, { range, replicas }] of was) {
          const kept = now.get(pool);
          if (kept === undefined) continue;
          expect(kept.range).toBe(range);
          for (const id of runningIds(range, replicas)) {
            expect(entriesAfter.get(id)).toEqual(entriesBefore.get(id));
            expect(entriesAfter.get(id)).toBeDefined();
          }
        }
        // No pool of the next output takes the block of a pool that leaves.
        const goneRanges = [...was].filter(([pool]) => !now.has(pool)).map(([, p]) => p.range);
        for (const [pool, { range }] of now) {
          if (!was.has(pool)) expect(goneRanges).not.toContain(range);
        }
      }),
      { numRuns: 80 },
    );
    // Both outcomes occur, so the property is not vacuous.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('previousZoneOrder', () => {
  it('reads the deployed zones, in position order, from the broker pools of the cluster the next output keeps', () => {
    const previous = objectsOf(specFor(['c', 'a', 'b']));
    expect(previousZoneOrder(previous, objectsOf(specFor(['a'])))).toEqual({
      zones: ['us-west-2c', 'us-west-2a', 'us-west-2b'],
    });
  });

  it('tells nothing on a first run or for a cluster the next output replaces', () => {
    const next = objectsOf(specFor(['a', 'b']));
    expect(previousZoneOrder([], next)).toEqual({ zones: undefined });
    const renamed = objectsOf({ ...specFor(['b', 'a']), name: 'other' });
    expect(previousZoneOrder(renamed, next)).toEqual({ zones: undefined });
  });

  it('throws (a problem) when a pool of the previous output tells no block, naming pool, value and fix', () => {
    const previous = objectsOf(specFor(['a', 'b'])).map(object =>
      object.kind === 'KafkaNodePool' && object.metadata.name === 'brokers-b'
        ? {
            ...object,
            metadata: {
              ...object.metadata,
              annotations: { [STRIMZI_NEXT_NODE_IDS_ANNOTATION]: '[2500-2999]' },
            },
          }
        : object,
    );
    const found = previousZoneOrder(previous, objectsOf(specFor(['a', 'b'])));
    expect(found).toEqual({
      problem: {
        path: 'zones',
        message: expect.stringContaining(
          'broker pool "brokers-b" has strimzi.io/next-node-ids "[2500-2999]", not a block',
        ),
      },
    });
    const message = 'problem' in found ? found.problem.message : '';
    expect(message).toContain('--ignore-previous-output');
    // AND transitionReport refuses on it
    const { problems } = transitionReport(
      previous,
      objectsOf(specFor(['a', 'b'])),
      parseSpec(specFor(['a', 'b'])).spec,
    );
    expect(problems.map(problem => problem.message)).toContain(message);
  });
});
