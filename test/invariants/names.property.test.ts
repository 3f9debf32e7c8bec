/**
 * Property: for any spec name the derived-name table allows and any legal Kafka topic names, every
 * name in the synthesized output and every derived name is valid and within its limit (issue #12).
 */
import fc from 'fast-check';
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { derivedNames, isValidDerivedName, maxNameLengthFor } from '../../spec/derived-names';
import { parseSpec } from '../../spec/load';
import { kafkaCollisionKey } from '../../spec/topic-names';
import { specInput } from '../util/specs';
import { nameProblems } from '../util/names';

const LONGEST_NAME = maxNameLengthFor(parseSpec(specInput(3, 2)).spec);

/** DNS-1123 labels that start with a letter, 1 to the longest allowed characters. */
const specName = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
    fc.stringMatching(new RegExp(`^[a-z0-9-]{0,${LONGEST_NAME - 1}}$`)),
  )
  .map(([first, rest]) => `${first}${rest}`.replace(/-+$/, ''))
  .filter(name => name.length >= 1 && name.length <= LONGEST_NAME);

/** Legal Kafka topic names, weighted towards the awkward ones. */
const topicName = fc.oneof(
  fc.stringMatching(/^[a-zA-Z0-9._-]{1,60}$/),
  fc.constantFrom(
    'on',
    'yes',
    'y',
    'No',
    '1_000',
    '0o17',
    '2001-12-14',
    'orders._dlq',
    'a..b',
    '_',
  ),
  fc.stringMatching(/^[a-z0-9._-]{200,249}$/),
);

const topics = fc
  .uniqueArray(topicName, { maxLength: 6, selector: kafkaCollisionKey })
  .map(names => names.filter(name => name !== '.' && name !== '..'));

describe('names in the output (property)', () => {
  it('every derived name and every object name is valid, for any allowed spec and topic names', () => {
    fc.assert(
      fc.property(specName, topics, fc.boolean(), (name, topicNames, externalEnabled) => {
        const base = specInput(3, 2);
        const loaded = parseSpec({
          ...base,
          name,
          kafka: {
            ...base.kafka,
            topics: topicNames.map(topic => ({ name: topic, partitions: 3 })),
            external: externalEnabled
              ? { enabled: true, allowedCidrs: ['10.0.0.0/8'] }
              : { enabled: false },
          },
        });
        expect(derivedNames(loaded.spec).filter(row => !isValidDerivedName(row))).toEqual([]);
        const objects = synthPlatform(loaded).components.flatMap(c => c.objects) as KubeObject[];
        expect(objects.flatMap(nameProblems)).toEqual([]);
        const topicObjects = objects.filter(o => o.kind === 'KafkaTopic');
        expect(new Set(topicObjects.map(o => o.metadata.name)).size).toBe(topicNames.length);
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * Namespaces as the spec allows them: DNS-1123 labels that start with a letter, up to 63
 * characters, weighted towards the longest (the lengths other names and fields grow with).
 */
const namespaceName = fc
  .oneof(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/),
    fc.stringMatching(/^[a-z][a-z0-9-]{55,61}[a-z0-9]$/),
  )
  .filter(name => !name.startsWith('kube-') && name !== 'default');

describe('names that grow with the namespaces (property)', () => {
  it('every object name and every name inside an object is valid, for any allowed namespaces', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(namespaceName, { minLength: 7, maxLength: 7 }),
        fc.constantFrom('none', 'flux', 'argocd') as fc.Arbitrary<'none' | 'flux' | 'argocd'>,
        (namespaces, engine) => {
          const [kafka, controller, descheduler, drainCleaner, monitoring, strimzi, gitops] =
            namespaces as [string, string, string, string, string, string, string];
          const base = specInput(3, 2);
          const loaded = parseSpec({
            ...base,
            kafka: { ...base.kafka, namespace: kafka },
            autoscaling: { mode: 'target-tracking' },
            controller: { namespace: controller },
            descheduler: { enabled: true, namespace: descheduler },
            drainCleaner: { namespace: drainCleaner },
            monitoring: { namespace: monitoring, installKubePrometheusStack: true },
            operators: { strimziNamespace: strimzi },
            gitops: { engine, ...(engine === 'none' ? {} : { namespace: gitops }) },
          });
          const objects = synthPlatform(loaded).components.flatMap(c => c.objects) as KubeObject[];
          expect(objects.flatMap(nameProblems)).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('the Drain Cleaner serving certificate at the longest namespace (example)', () => {
    // GIVEN a Drain Cleaner namespace of 63 characters, which makes <service>.<namespace>.svc 88
    const base = specInput(3, 2);
    const loaded = parseSpec({ ...base, drainCleaner: { namespace: `d${'x'.repeat(61)}d` } });
    // WHEN synthesized THEN cert-manager accepts every Certificate
    const objects = synthPlatform(loaded).components.flatMap(c => c.objects) as KubeObject[];
    expect(objects.filter(o => o.kind === 'Certificate').flatMap(nameProblems)).toEqual([]);
  });
});
