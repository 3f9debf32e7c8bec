/**
 * Review s24-r2 fault 1: `documentsToParse` cut synth's own output at `---` lines and read its
 * `kind:` lines with JavaScript's multiline regular expressions, whose line ends include U+2028,
 * U+2029 and CR; YAML's line breaks are LF and CR only, and the writer puts U+2028 and U+2029 raw
 * into a plain or quoted scalar. A spec string holding them (a list-valued topic key the spec does
 * not check item by item) then cut a KafkaTopic in two: its second half failed to parse (synth
 * refused its own output as "not valid YAML"), or named another kind and was skipped, so the
 * first half, without `spec.partitions`, let a topic shrink from 6 to 3 partitions through.
 * Real `kafka-eks synth` processes in temp folders.
 *
 * The spec now refuses those values (spec/throttled-replicas.ts: Kafka takes only `*` or
 * `<partition>:<broker ID>` entries there, and Java's trim keeps U+2028), but an output written by
 * an earlier release may still hold them and synth must read it. So the first synth writes a plain
 * topic and `ageOutput` rewrites that output as such a release wrote it (the same YAML writer, its
 * manifest hash updated), before the shrinking synth reads it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { MANIFEST_FILE } from '../../charts/output';
import { toSafeYamlDocuments } from '../../charts/yaml';
import { ROOT, synth, tree, TSX } from './synth-run';

/**
 * Adds `config` to every KafkaTopic of the output in `out`, written back with the YAML writer synth
 * uses (header comment lines kept) and with the file's `.synth-manifest` hash updated: the output
 * an earlier release wrote for a spec carrying these topic config values.
 */
function ageOutput(out: string, config: Record<string, string>): void {
  const manifestPath = join(out, MANIFEST_FILE);
  let manifest = readFileSync(manifestPath, 'utf8');
  for (const [file, text] of Object.entries(tree(out))) {
    if (!text.includes('kind: KafkaTopic')) continue;
    const header = /^(#[^\n]*\n)*/.exec(text)?.[0] ?? '';
    const documents = parseAllDocuments(text.slice(header.length)).map(
      document => document.toJS() as { kind?: string; spec?: { config?: object } },
    );
    for (const document of documents) {
      if (document.kind === 'KafkaTopic' && document.spec !== undefined) {
        document.spec.config = { ...document.spec.config, ...config };
      }
    }
    const aged = header + toSafeYamlDocuments(documents);
    writeFileSync(join(out, file), aged);
    const hash = createHash('sha256').update(aged).digest('hex');
    manifest = manifest
      .split('\n')
      .map(line => (line.endsWith(`  ${file}`) ? `${hash}  ${file}` : line))
      .join('\n');
  }
  writeFileSync(manifestPath, manifest);
}

function spec(partitions: number, config: Record<string, string>): string {
  return [
    'name: orders-dev',
    'region: us-east-1',
    'zones: [us-east-1a, us-east-1b, us-east-1c]',
    'kafka:',
    '  brokers: 3',
    '  topics:',
    `    - { name: orders, partitions: ${partitions}, config: ${JSON.stringify(config)} }`,
    'nodes:',
    '  kafka: { instanceType: m6i.large, minPerZone: 1, maxPerZone: 1 }',
    "autoscaling: { mode: 'off' }",
    '',
  ].join('\n');
}

describe('synth reads its own output whatever line separators its strings hold', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const run = (
    config: Record<string, string>,
  ): {
    second: ReturnType<typeof synth>;
    before: Record<string, string>;
    after: Record<string, string>;
  } => {
    const work = mkdtempSync(join(tmpdir(), 'synth-line-breaks-'));
    dirs.push(work);
    const out = join(work, 'out');
    const file = join(work, 'spec.yaml');
    writeFileSync(file, spec(6, {}));
    const first = synth(['--config', file, '--out', out]);
    expect(first.stderr).not.toContain('problem');
    expect(first.status).toBe(0);
    ageOutput(out, config);
    const before = tree(out);
    writeFileSync(file, spec(3, {}));
    const second = synth(['--config', file, '--out', out]);
    return { second, before, after: tree(out) };
  };

  it.each([
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
  ])('refuses a topic shrinking from 6 to 3 partitions when a value holds %s', (_name, sep) => {
    const { second, before, after } = run({
      'follower.replication.throttled.replicas': `0:1${sep}---`,
      'leader.replication.throttled.replicas': `0:1${sep}kind: ConfigMap${sep}x`,
    });
    expect(second.stderr).toContain('kafka.topics[0].partitions: 3 is below the 6 partitions');
    expect(second.status).toBe(1);
    expect(after).toEqual(before);
  });

  it('refuses the shrink in the cdk8s app too (PLATFORM_OUT, several documents a file)', () => {
    const work = mkdtempSync(join(tmpdir(), 'cdk8s-line-breaks-'));
    dirs.push(work);
    const file = join(work, 'spec.yaml');
    const config = {
      'follower.replication.throttled.replicas': '0:1\u2028---',
      'leader.replication.throttled.replicas': '0:1\u2028kind: ConfigMap\u2028x',
    };
    const publish = (): ReturnType<typeof spawnSync> =>
      spawnSync(TSX, [join(ROOT, 'charts', 'main.ts')], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, PLATFORM_SPEC: file, PLATFORM_OUT: join(work, 'out') },
      });
    writeFileSync(file, spec(6, {}));
    expect(publish().status).toBe(0);
    ageOutput(join(work, 'out'), config);
    const before = tree(join(work, 'out'));
    writeFileSync(file, spec(3, {}));
    const second = publish();
    expect(String(second.stderr)).toContain('kafka.topics[0].partitions: 3 is below the 6');
    expect(second.status).toBe(1);
    expect(tree(join(work, 'out'))).toEqual(before);
  });

  it('does not call its own output invalid YAML when a value ends in a separator and ---', () => {
    const { second, after } = run({ 'follower.replication.throttled.replicas': '0:1\u2028---' });
    expect(second.stderr).not.toContain('not valid YAML');
    expect(second.stderr).toContain('kafka.topics[0].partitions: 3 is below the 6 partitions');
    expect(second.status).toBe(1);
    expect(Object.values(after).join('')).toContain('partitions: 6');
  });
});
