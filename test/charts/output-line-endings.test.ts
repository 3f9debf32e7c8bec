/**
 * A GitOps checkout with CRLF line endings: Git converts text files to CRLF on checkout when
 * `core.autocrlf` is true (the Git for Windows installer's default) or a `.gitattributes` says
 * `eol=crlf`, and back to LF when they are added again (gitattributes(5)). Synth's output and its
 * `.synth-manifest` then come back from a clone with every LF turned into CRLF. Such a file holds
 * what synth wrote; only the line endings differ, so it is not an edit: synth must not call it one,
 * must read the manifest, and must still refuse a real edit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MANIFEST_FILE, OutputOwnershipError, writeOwnedFiles } from '../../charts/output';

const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

/** Output paths and contents: a few folders, multi-line YAML-like text. */
const outputArbitrary = fc
  .uniqueArray(
    fc.tuple(
      fc.constantFrom('', 'kafka/', 'operators/', 'gitops/'),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,8}\.yaml$/),
    ),
    { minLength: 1, maxLength: 6, selector: ([folder, name]) => `${folder}${name}` },
  )
  .chain(paths =>
    fc.tuple(
      fc.constant(paths.map(([folder, name]) => `${folder}${name}`)),
      fc.array(fc.array(fc.stringMatching(/^[a-z: 0-9]{0,12}$/), { minLength: 1, maxLength: 4 }), {
        minLength: paths.length,
        maxLength: paths.length,
      }),
    ),
  )
  .map(
    ([paths, lines]) =>
      new Map(paths.map((path, index) => [path, `${(lines[index] ?? []).join('\n')}\n`])),
  );

describe('synth output checked out with CRLF line endings', () => {
  it('re-runs over any mix of CRLF files and manifest, and still refuses a real edit', () => {
    fc.assert(
      fc.property(
        outputArbitrary,
        fc.func(fc.boolean()),
        fc.boolean(),
        fc.boolean(),
        (output, converted, manifestConverted, changeContent) => {
          const root = mkdtempSync(join(tmpdir(), 'synth-crlf-'));
          const out = join(root, 'out');
          try {
            writeOwnedFiles(output, out);
            const paths = [...output.keys()];
            const crlfPaths = paths.filter(path => converted(path));
            for (const path of crlfPaths) writeFileSync(join(out, path), crlf(output.get(path)!));
            if (manifestConverted) {
              const manifest = join(out, MANIFEST_FILE);
              writeFileSync(manifest, crlf(readFileSync(manifest, 'utf8')));
            }
            const next = changeContent
              ? new Map([...output].map(([path, content]) => [path, `${content}changed: 1\n`]))
              : output;
            const report = writeOwnedFiles(next, out);
            expect(report.foreign).toEqual([]);
            for (const [path, content] of next) {
              expect(readFileSync(join(out, path), 'utf8')).toBe(content);
            }
            // A real edit, made in CRLF as the user's editor keeps it, is still refused.
            const edited = paths[0]!;
            writeFileSync(join(out, edited), crlf(`${next.get(edited)!}my: edit\n`));
            expect(() => writeOwnedFiles(output, out)).toThrow(OutputOwnershipError);
            expect(readFileSync(join(out, edited), 'utf8')).toBe(
              crlf(`${next.get(edited)!}my: edit\n`),
            );
          } finally {
            rmSync(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 60, seed: 20_26_11_30 },
    );
  });

  it('re-runs in a real git clone whose .gitattributes says eol=crlf', () => {
    const root = mkdtempSync(join(tmpdir(), 'synth-crlf-git-'));
    const git = (cwd: string, ...args: string[]): void => {
      const result = spawnSync(
        'git',
        ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args],
        {
          cwd,
          encoding: 'utf8',
        },
      );
      if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    };
    try {
      const origin = join(root, 'origin');
      git(root, 'init', '-q', origin);
      writeFileSync(join(origin, '.gitattributes'), '* text eol=crlf\n');
      const output = new Map([
        ['kustomization.yaml', 'resources:\n  - kafka\n'],
        ['kafka/kustomization.yaml', 'resources:\n  - kafka.yaml\n'],
        ['kafka/kafka.yaml', 'kind: Kafka\nmetadata:\n  name: orders\n'],
      ]);
      writeOwnedFiles(output, join(origin, 'platform'));
      git(origin, 'add', '-A');
      git(origin, 'commit', '-qm', 'synth');
      const clone = join(root, 'clone');
      git(root, 'clone', '-q', origin, clone);
      const platform = join(clone, 'platform');
      expect(readFileSync(join(platform, 'kafka/kafka.yaml'), 'utf8')).toContain('\r\n');

      const next = new Map(output).set('kafka/kafka.yaml', 'kind: Kafka\nmetadata:\n  name: pay\n');
      writeOwnedFiles(next, platform);
      expect(readFileSync(join(platform, 'kafka/kafka.yaml'), 'utf8')).toBe(
        'kind: Kafka\nmetadata:\n  name: pay\n',
      );
      // Git sees only the real change: the rewritten LF files of unchanged content are no diff.
      const diff = spawnSync('git', ['diff', '--name-only'], { cwd: clone, encoding: 'utf8' });
      expect(diff.stdout.trim().split('\n')).toEqual([
        'platform/.synth-manifest',
        'platform/kafka/kafka.yaml',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
