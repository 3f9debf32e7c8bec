/**
 * Edits of the `zones` list against the previous output (charts/transitions.ts): each zone's broker
 * pool takes the node-ID block of its position (spec/derive.ts), and Strimzi keeps the IDs of
 * running brokers, so an edit that moves a surviving zone to another position must be refused,
 * while appending a zone or dropping the last one must not be. The property: whatever edit the tool
 * accepts keeps every running broker's ID block and its per-broker NLB listener entry.
 */
import fc from 'fast-check';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { transitionReport } from '../../charts/transitions';
import { STRIMZI_NEXT_NODE_IDS_ANNOTATION } from '../../charts/kafka/labels';
import { specInput } from '../util/specs';

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

function objectsOf(input: PlatformSpecInput): KubeObject[] {
  return synthPlatform(parseSpec(input)).components.flatMap(component => [...component.objects]);
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

describe('zones edits against the previous output', () => {
  it('refuses a reordered zone list and names pool, both ranges, the move and the way out', () => {
    const { problems } = reportOf(['a', 'b', 'c'], ['b', 'a', 'c']);
    expect(problems.map(problem => problem.path)).toEqual(['zones', 'zones']);
    const text = problems.map(problem => problem.message).join('\n');
    expect(text).toContain(
      'broker pool "brokers-a" would get node IDs [2000-2999] instead of the [1000-1999]',
    );
    expect(text).toContain('zone "us-west-2a" moved from position 1 to 2');
    expect(text).toContain('keep "us-west-2a" at position 1');
    expect(text).toContain('--ignore-previous-output');
    expect(text).not.toContain('brokers-c');
  });

  it('refuses removing a zone from the middle, which shifts the zones after it', () => {
    const { problems, warnings } = reportOf(['a', 'b', 'c'], ['a', 'c']);
    expect(problems.map(problem => problem.message)).toEqual([
      expect.stringContaining(
        '"brokers-c" would get node IDs [2000-2999] instead of the [3000-3999]',
      ),
    ]);
    expect(warnings.map(warning => warning.message).join('\n')).toContain('"brokers-b"');
  });

  it('refuses inserting a zone in the middle', () => {
    const { problems } = reportOf(['a', 'b', 'c'], ['a', 'd', 'b', 'c']);
    expect(problems.map(problem => problem.message)).toEqual([
      expect.stringContaining(
        '"brokers-b" would get node IDs [3000-3999] instead of the [2000-2999]',
      ),
      expect.stringContaining(
        '"brokers-c" would get node IDs [4000-4999] instead of the [3000-3999]',
      ),
    ]);
  });

  it('accepts appending a zone and removing the last one (the pool still warns)', () => {
    expect(reportOf(['a', 'b', 'c'], ['a', 'b', 'c', 'd']).problems).toEqual([]);
    const removed = reportOf(['a', 'b', 'c'], ['a', 'b']);
    expect(removed.problems).toEqual([]);
    expect(removed.warnings.map(warning => warning.message).join('\n')).toContain('"brokers-c"');
  });

  it('accepted edits keep every running broker ID block and its NLB listener entry (property)', () => {
    const edit = fc.oneof(
      fc.record({
        kind: fc.constant('permute' as const),
        seed: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
      }),
      fc.record({ kind: fc.constant('remove' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat() }),
    );
    const base = fc
      .shuffledSubarray([...LETTERS], { minLength: 2, maxLength: 4 })
      .filter(letters => letters.length >= 2);
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(base, edit, (before, change) => {
        let after: string[];
        if (change.kind === 'permute') {
          after = before
            .map((letter, i) => ({ letter, key: change.seed[i] ?? 0 }))
            .sort((x, y) => x.key - y.key)
            .map(entry => entry.letter);
        } else if (change.kind === 'remove') {
          if (before.length <= 2) return;
          after = before.filter((_, i) => i !== change.at % before.length);
        } else {
          const fresh = LETTERS.find(letter => !before.includes(letter));
          if (fresh === undefined) return;
          const at = change.at % (before.length + 1);
          after = [...before.slice(0, at), fresh, ...before.slice(at)];
        }
        const { previous, next, problems } = reportOf(before, after);
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
      }),
      { numRuns: 60 },
    );
    // Both outcomes occur, so the property is not vacuous.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
