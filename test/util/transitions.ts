/**
 * Helpers for tests of `charts/transitions.ts`: the objects synth emits for a spec, and the
 * transition report between two specs as `path: message` lines.
 */
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { transitionReport } from '../../charts/transitions';
import { parseSpec, type PlatformSpecInput } from '../../spec';
import { specInput } from './specs';

/** Every object synth emits for `input`, in component order. */
export function objectsOf(input: PlatformSpecInput): KubeObject[] {
  return synthPlatform(parseSpec(input)).components.flatMap(component => [...component.objects]);
}

/** The problems and warnings of going from `before` to `after`, each as `path: message`. */
export function report(
  before: PlatformSpecInput,
  after: PlatformSpecInput,
): { problems: string[]; warnings: string[] } {
  const { problems, warnings } = transitionReport(
    objectsOf(before),
    objectsOf(after),
    parseSpec(after).spec,
  );
  return {
    problems: problems.map(p => `${p.path}: ${p.message}`),
    warnings: warnings.map(w => `${w.path}: ${w.message}`),
  };
}

/** A broker configuration as `kafka.config` takes it. */
export type BrokerConfig = Record<string, string | number | boolean>;

/** The 3-zone, 2-brokers-per-zone spec input with no topics and `kafka` merged in. */
export function withKafka(kafka: Partial<PlatformSpecInput['kafka']>): PlatformSpecInput {
  const input = specInput(3, 2);
  return { ...input, kafka: { ...input.kafka, topics: [], ...kafka } };
}

/** A bare Kafka resource with this broker configuration: enough for the Kafka rows of the table. */
export function kafkaResource(config: BrokerConfig): KubeObject {
  return {
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'Kafka',
    metadata: { name: 'test', namespace: 'kafka' },
    spec: { kafka: { config } },
  } as KubeObject;
}
