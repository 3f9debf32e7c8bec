/**
 * Class: a file name synth writes longer than a file system takes. Each object is written to
 * `<kind>-<namespace>-<name>.yaml`; with a Kafka topic name of up to 249 characters (legal in
 * Kafka, and a legal KafkaTopic name) and a namespace of up to 63, that went past the 255 bytes a
 * file name may have (Linux NAME_MAX, macOS, Windows), and synth failed with ENAMETOOLONG and
 * exit 2 on a valid spec. Every file name must fit, stay deterministic and stay distinct.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { writeOwnedFiles } from '../../charts/output';
import { objectFileName, synthPlatform, type KubeObject } from '../../charts/synth';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

const NAME_MAX_BYTES = 255;

function object(kind: string, name: string, namespace?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: namespace === undefined ? { name } : { name, namespace },
  };
}

describe('objectFileName', () => {
  const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/);
  const subdomain = fc.oneof(
    fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,251}[a-z0-9]$/),
    fc.stringMatching(/^[a-z0-9][a-z0-9.-]{200,251}[a-z0-9]$/),
  );

  it('property: fits 255 bytes, ends in .yaml, and is distinct for distinct objects', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('KafkaTopic', 'ConfigMap', 'PrometheusRule'),
        fc.option(label, { nil: undefined }),
        subdomain,
        subdomain,
        (kind, namespace, name, otherName) => {
          const file = objectFileName(object(kind, name, namespace));
          expect(Buffer.byteLength(file)).toBeLessThanOrEqual(NAME_MAX_BYTES);
          expect(file.endsWith('.yaml')).toBe(true);
          expect(objectFileName(object(kind, name, namespace))).toBe(file);
          if (otherName !== name) {
            expect(objectFileName(object(kind, otherName, namespace))).not.toBe(file);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps the readable name of every object whose name fits (no change for them)', () => {
    expect(objectFileName(object('KafkaTopic', 'orders', 'kafka'))).toBe(
      'kafkatopic-kafka-orders.yaml',
    );
    expect(objectFileName(object('StorageClass', 'kafka-gp3'))).toBe('storageclass-kafka-gp3.yaml');
  });

  it('writes a spec with a 249-character topic in a 63-character namespace (example)', () => {
    // GIVEN the longest topic name Kafka takes and the longest namespace the spec takes
    const base = specInput(3, 2);
    const loaded = parseSpec({
      ...base,
      kafka: {
        ...base.kafka,
        namespace: `k${'a'.repeat(61)}k`,
        topics: [{ name: 't'.repeat(249), partitions: 3 }],
      },
    });
    // WHEN its output is written THEN every file is written
    const work = mkdtempSync(join(tmpdir(), 'object-file-names-'));
    try {
      const { files } = synthPlatform(loaded);
      const report = writeOwnedFiles(files, join(work, 'out'));
      expect(report.written.length).toBe(files.size);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
