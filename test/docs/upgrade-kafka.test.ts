/**
 * docs/upgrade.md, "Kafka": the procedure holds for the `Kafka` resource synth renders. The platform
 * sets no `spec.kafka.metadataVersion`, and Strimzi, finding none, moves the metadata version to the
 * new Kafka version's default once the roll onto that version is done (Strimzi's KRaft upgrade
 * procedure). Docs walk s34-c: the page told the reader to raise the metadata version as a later,
 * separate step "only when you will not go back" (`spec.kafka.metadataVersion`), a step the spec
 * cannot express and a way back that the version step itself had already closed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synthPlatform } from '../../charts/synth';
import { SUPPORTED_KAFKA_VERSIONS } from '../../spec/kafka-versions';
import { parseSpec, type LoadedSpec } from '../../spec/load';
import { REPO_ROOT } from '../util/documented-pulumi';
import { exampleSpec, specInput } from '../util/specs';

/** The `spec.kafka` of the rendered `Kafka` resource. */
function renderedKafka(files: ReadonlyMap<string, string>): Record<string, unknown> {
  for (const [path, text] of files) {
    if (!path.startsWith('kafka/')) continue;
    const object = parse(text) as { kind?: string; spec?: { kafka?: Record<string, unknown> } };
    if (object.kind === 'Kafka') return object.spec?.kafka ?? {};
  }
  throw new Error('no Kafka resource in the output');
}

/** The "## Kafka" section of docs/upgrade.md. */
function kafkaSection(): string {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'upgrade.md'), 'utf8');
  const start = text.indexOf('\n## Kafka\n');
  expect(start).toBeGreaterThan(0);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

describe('docs/upgrade.md: a Kafka version upgrade', () => {
  const cases: Array<[string, LoadedSpec]> = [
    ['stacks/dev.yaml', exampleSpec('dev')],
    ['stacks/prod.yaml', exampleSpec('prod')],
    ...SUPPORTED_KAFKA_VERSIONS.map((version): [string, LoadedSpec] => [
      `kafka.version ${version}`,
      parseSpec({ ...specInput(3, 1), kafka: { ...specInput(3, 1).kafka, version } }),
    ]),
  ];

  it.each(cases)('%s renders a Kafka resource without metadataVersion', (_name, loaded) => {
    const kafka = renderedKafka(synthPlatform(loaded).files);
    expect(kafka['version']).toBe(loaded.spec.kafka.version);
    expect(kafka).not.toHaveProperty('metadataVersion');
  });

  it('says the metadata version moves in the version step, with no later step to raise it', () => {
    const section = kafkaSection();
    expect(section).not.toMatch(/only when you will not go back/i);
    expect(section).toMatch(/sets no\s+`spec\.kafka\.metadataVersion`/);
    expect(section).toMatch(
      /Strimzi rolls every node onto\s+the new version, then moves the metadata version/,
    );
  });
});
