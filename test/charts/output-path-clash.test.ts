/**
 * Output paths that one file system keeps apart and another stores as one entry: macOS and Windows
 * ignore letter case and Unicode normalization in names, so a synth result with `Kafka/x.yaml` and
 * `kafka/x.yaml` would lose a file there. The writer refuses such a result before writing, on any
 * platform; synth's own paths are lowercase ASCII, so the example specs never trip it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { writeOwnedFiles } from '../../charts/output';
import { synthPlatform } from '../../charts/synth';
import { loadSpecFile } from '../../spec/load';

const ROOT = join(__dirname, '..', '..');

describe('output paths that fold to one name', () => {
  it('property: a case or normalization twin of any path or folder is refused, nothing written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.constantFrom('case', 'nfd'),
        (segments, pick, kind) => {
          const path = `${segments.join('/')}.yaml`;
          const at = pick % segments.length;
          const twinSegments = [...segments];
          const segment = twinSegments[at] ?? 'a';
          twinSegments[at] =
            kind === 'case' ? segment.toUpperCase() : `${segment}\u00e9`.normalize('NFD'); // and the original gets the NFC é
          if (kind === 'nfd') segments[at] = `${segment}\u00e9`;
          const original = `${segments.join('/')}.yaml`;
          const twin = `${twinSegments.join('/')}.yaml`;
          fc.pre(twin !== original && path.length > 0);
          const out = join(mkdtempSync(join(tmpdir(), 'synth-clash-')), 'out');
          expect(() =>
            writeOwnedFiles(
              new Map([
                [original, 'a\n'],
                [twin, 'b\n'],
              ]),
              out,
            ),
          ).toThrow(/case-insensitive file system/);
          expect(existsSync(out)).toBe(false);
        },
      ),
    );
  });

  it.each(['dev', 'prod'])('stacks/%s.yaml synthesizes lowercase ASCII paths only', example => {
    const result = synthPlatform(loadSpecFile(join(ROOT, 'stacks', `${example}.yaml`)));
    for (const path of result.files.keys()) expect(path).toMatch(/^[a-z0-9./-]+$/);
  });
});

describe('entries of the folder that fold to a planned name', () => {
  it('property: a user entry spelt like a planned file or folder but for case is refused, nothing written', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'kustomization.yaml',
          'kafka',
          'kafka/kafka.yaml',
          'kafka/kustomization.yaml',
        ),
        fc.constantFrom('file', 'dir'),
        (planned, kind) => {
          const out = mkdtempSync(join(tmpdir(), 'synth-clash-folder-'));
          const segments = planned.split('/');
          const last = segments.length - 1;
          segments[last] = (segments[last] ?? '').toUpperCase();
          const twin = join(out, ...segments);
          mkdirSync(dirname(twin), { recursive: true });
          if (kind === 'file') writeFileSync(twin, 'mine\n');
          else mkdirSync(twin);
          const before = readdirSync(out, { recursive: true }).map(String).sort();
          expect(() =>
            writeOwnedFiles(
              new Map([
                ['kustomization.yaml', 'resources: [kafka]\n'],
                ['kafka/kustomization.yaml', 'resources: [kafka.yaml]\n'],
                ['kafka/kafka.yaml', 'kind: Kafka\n'],
              ]),
              out,
            ),
          ).toThrow(/only in letter case or Unicode form/);
          expect(readdirSync(out, { recursive: true }).map(String).sort()).toEqual(before);
        },
      ),
    );
  });
});
