/**
 * `previousOutputObjects` skips, unparsed, the documents of synth's own files whose kind no
 * transition rule reads (`documentsToParse`). These tests hold it to what parsing every document
 * gives: on real synth outputs, on files edited by hand, and over random YAML streams as synth
 * writes them.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { writeSynthOutput } from '../../charts/output';
import { synthPlatform } from '../../charts/synth';
import {
  documentsToParse,
  previousOutputObjects,
  TRANSITION_KINDS,
} from '../../charts/transitions';
import { toSafeYamlDocuments } from '../../charts/yaml';
import { loadSpecFile } from '../../spec/load';

const ROOT = join(__dirname, '..', '..');

/** Every object of a kind in `TRANSITION_KINDS` in the YAML files under `dir`, each parsed whole. */
function parsedWhole(dir: string): unknown[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(path => path.endsWith('.yaml'))
    .sort();
  return files.flatMap(path =>
    parseAllDocuments(readFileSync(join(dir, path), 'utf8'))
      .map(document => document.toJS() as { kind?: unknown } | null)
      .filter(value => typeof value?.kind === 'string' && TRANSITION_KINDS.has(value.kind)),
  );
}

/** The objects of `text` of a kind in `kinds`, parsed from `documentsToParse`'s parts. */
function parsedParts(text: string, kinds: ReadonlySet<string>): unknown[] {
  return documentsToParse(text, kinds)
    .flatMap(part => parseAllDocuments(part).map(document => document.toJS() as unknown))
    .filter(value => {
      const kind = (value as { kind?: unknown } | null)?.kind;
      return typeof kind === 'string' && kinds.has(kind);
    });
}

describe('previousOutputObjects', () => {
  const dirs: string[] = [];
  const outputOf = (specFile: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'previous-output-'));
    dirs.push(dir);
    const out = join(dir, 'dist');
    writeSynthOutput(synthPlatform(loadSpecFile(specFile)), out);
    return out;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(readdirSync(join(ROOT, 'stacks')).filter(name => name.endsWith('.yaml')))(
    'finds in the output of stacks/%s what parsing every document finds',
    name => {
      const out = outputOf(join(ROOT, 'stacks', name));
      const found = previousOutputObjects(out);
      expect(found.map(object => object.kind).sort()).toEqual(
        expect.arrayContaining(['Kafka', 'KafkaNodePool']),
      );
      expect(found).toEqual(parsedWhole(out));
    },
  );

  it('parses a file edited by hand whole, so a kind written another way is still found', () => {
    const out = outputOf(join(ROOT, 'stacks', 'prod.yaml'));
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter(path =>
      path.endsWith('.yaml'),
    );
    const kafkaFile = files.find(path =>
      readFileSync(join(out, path), 'utf8').includes('\nkind: Kafka\n'),
    );
    expect(kafkaFile).toBeDefined();
    const file = join(out, kafkaFile as string);
    // Quoted, and then with CRLF line endings: both still the same objects to a YAML reader.
    writeFileSync(file, readFileSync(file, 'utf8').replace('\nkind: Kafka\n', '\nkind: "Kafka"\n'));
    expect(previousOutputObjects(out)).toEqual(parsedWhole(out));
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    expect(previousOutputObjects(out).filter(object => object.kind === 'Kafka')).toHaveLength(1);
  });
});

describe('documentsToParse', () => {
  const kinds = new Set(['Kafka', 'KafkaNodePool']);
  const text = fc.oneof(
    fc.string(),
    fc.constantFrom('kind: Kafka', '---', '\n---\nkind: Kafka\n', '...', '%YAML 1.2', '#'),
    fc
      // U+2028, U+2029, CR and NEL: line ends to a JavaScript pattern or a YAML reader other than
      // LF, which the writer may leave raw in a scalar (review s24-r2 fault 1).
      .array(
        fc.constantFrom(
          'a',
          'kind: Kafka',
          'kind: ConfigMap',
          '---',
          '\n',
          ' ',
          ':',
          '"',
          '|',
          '\u2028',
          '\u2029',
          '\r',
          '\u0085',
        ),
        { maxLength: 12 },
      )
      .map(parts => parts.join('')),
  );
  const value: fc.Arbitrary<unknown> = fc.letrec(tie => ({
    value: fc.oneof(
      { depthSize: 'small' },
      text,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.oneof(fc.constant('kind'), text), tie('value'), { maxKeys: 3 }),
    ),
  })).value;
  const object = fc.record({
    apiVersion: fc.constantFrom('kafka.strimzi.io/v1beta2', 'v1'),
    kind: fc.constantFrom('Kafka', 'KafkaNodePool', 'ConfigMap', 'Kafkas', 'kafka'),
    metadata: fc.record({ name: fc.string({ minLength: 1 }) }),
    spec: value,
    data: fc.dictionary(text, text, { maxKeys: 3 }),
  });

  it('keeps every document of the kinds asked for, as synth writes streams (property)', () => {
    fc.assert(
      fc.property(fc.array(object, { maxLength: 6 }), fc.boolean(), (objects, header) => {
        const stream = (header ? '# Generated\n' : '') + toSafeYamlDocuments(objects);
        const whole = parseAllDocuments(stream)
          .map(document => document.toJS() as unknown)
          .filter(each => kinds.has((each as { kind: string }).kind));
        expect(parsedParts(stream, kinds)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
    ['CR', '\r'],
    ['NEL', '\u0085'],
  ])(
    'keeps a document whole when a value holds the line end %s (review s24-r2 fault 1)',
    (_name, end) => {
      const stream = toSafeYamlDocuments([
        {
          apiVersion: 'v1',
          kind: 'KafkaTopic',
          spec: {
            config: { a: `0:1${end}---`, b: `0:1${end}kind: ConfigMap${end}x` },
            partitions: 6,
          },
        },
      ]);
      expect(parsedParts(stream, new Set(['KafkaTopic']))).toEqual(
        parseAllDocuments(stream).map(document => document.toJS() as unknown),
      );
    },
  );

  it('gives the whole text back when a marker line carries more than ---', () => {
    for (const stream of ['--- |\n  kind: x\n', 'a: 1\n...\n', '%YAML 1.2\n---\nkind: Kafka\n']) {
      expect(documentsToParse(stream, kinds)).toEqual([stream]);
    }
  });

  it('skips a document only when its one kind line names another kind', () => {
    const stream = 'kind: ConfigMap\n---\nkind: Kafka\n---\nkind: "ConfigMap"\n---\na: 1\n';
    expect(documentsToParse(stream, kinds)).toEqual([
      '\nkind: Kafka\n',
      '\nkind: "ConfigMap"\n',
      '\na: 1\n',
    ]);
  });
});
