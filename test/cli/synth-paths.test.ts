/**
 * `kafka-eks synth --out` where the output folder's surroundings get in the way: a link to a
 * missing folder, a folder the user cannot write, a full disk. Each is refused or rolled back with
 * a message that names the path and the fix, and no file changes.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { MANIFEST_FILE } from '../../charts/output';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'cli', 'main.ts');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function synth(args: string[], asUser?: string): Run {
  const command = asUser === undefined ? [TSX, CLI] : ['runuser', '-u', asUser, '--', TSX, CLI];
  const result = spawnSync(command[0]!, [...command.slice(1), 'synth', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir` with its bytes, links not followed. */
function tree(dir: string, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap(entry =>
      entry.isDirectory()
        ? Object.entries(tree(dir, `${prefix}${entry.name}/`))
        : [[`${prefix}${entry.name}`, readFileSync(join(dir, prefix, entry.name), 'latin1')]],
    ),
  );
}

const isRoot = process.getuid?.() === 0;
/** Root can run the CLI as `nobody` when that user can read this checkout. */
const canRunAsNobody =
  isRoot &&
  spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', CLI]).status === 0 &&
  spawnSync('runuser', ['-u', 'nobody', '--', TSX, '--version']).status === 0;

describe('synth --out: surroundings that get in the way', () => {
  const work = mkdtempSync(join(tmpdir(), 'synth-paths-'));
  chmodSync(work, 0o755);

  it('refuses an --out that is, or goes through, a link to a missing folder (exit 1)', () => {
    const link = join(work, 'dangling');
    symlinkSync(join(work, 'missing'), link);
    for (const out of [link, join(link, 'platform')]) {
      const result = synth(['--config', 'stacks/dev.yaml', '--out', out]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `--out: ${out} cannot be created because ${link} is a link to ${join(work, 'missing')}, which does not exist; create the folder it points to, or give another path`,
      );
      expect(result.stderr).toMatch(/Nothing was written\.\n$/);
    }
    expect(existsSync(join(work, 'missing'))).toBe(false);
  });

  (canRunAsNobody ? it : it.skip)(
    'refuses, writing nothing, when a folder it must change is read-only for this user (exit 1)',
    () => {
      const out = join(work, 'read-only');
      mkdirSync(out);
      chownSync(out, 65534, 65534);
      expect(synth(['--config', 'stacks/prod.yaml', '--out', out], 'nobody').status).toBe(0);
      writeFileSync(join(out, 'README.md'), '# ours\n');
      chmodSync(join(out, 'kafka'), 0o555);
      // A re-run that changes nothing in the read-only folder goes through.
      expect(synth(['--config', 'stacks/prod.yaml', '--out', out], 'nobody').status).toBe(0);
      const before = tree(out);
      const result = synth(
        ['--config', 'stacks/dev.yaml', '--out', out, '--ignore-previous-output'],
        'nobody',
      );
      expect(result.stderr).toContain(`--out: cannot write ${out}: one folder is not writable`);
      expect(result.stderr).toContain(
        '  - kafka/: synth must change files here, but cannot write it',
      );
      expect(result.stderr).toContain('Fix the permissions (chmod u+w)');
      expect(result.status).toBe(1);
      expect(tree(out)).toEqual(before);
      chmodSync(join(out, 'kafka'), 0o755);
    },
  );

  (canRunAsNobody ? it : it.skip)(
    'property: refuses, reading and writing nothing, when what it must read is unreadable (exit 1)',
    () => {
      // GIVEN an earlier output of this user's, then one folder or file of it made unreadable
      const out = join(work, 'unreadable');
      mkdirSync(out);
      chownSync(out, 65534, 65534);
      expect(synth(['--config', 'stacks/dev.yaml', '--out', out], 'nobody').status).toBe(0);
      let run = 0;
      fc.assert(
        fc.property(
          fc.constantFrom('.', 'kafka', 'storage', 'kafka/kustomization.yaml', MANIFEST_FILE),
          fc.constantFrom(0o000, 0o300, 0o100, 0o200),
          fc.boolean(),
          (path, mode, ignorePrevious) => {
            run += 1;
            const full = join(out, path);
            const isFolder = !path.includes('.yaml') && path !== MANIFEST_FILE;
            const before = tree(out);
            chmodSync(full, mode);
            try {
              // WHEN synth runs again (with the comparison or without it)
              const result = synth(
                [
                  '--config',
                  run % 2 === 0 ? 'stacks/prod.yaml' : 'stacks/dev.yaml',
                  '--out',
                  out,
                  ...(ignorePrevious ? ['--ignore-previous-output'] : []),
                ],
                'nobody',
              );
              // THEN it names the path and the fix as bad input, and changes nothing
              const line = isFolder
                ? `  - ${path}/: synth must list it, but cannot read it`
                : `  - ${path}: synth must read it, but cannot`;
              if (path === '.' && (mode & 0o300) !== 0o300) {
                // No write or search permission on the folder itself: the path check refuses it.
                expect(result.stderr).toContain(`--out: ${out} cannot be written`);
              } else {
                expect(result.stderr).toContain(`--out: cannot read ${out}: one path is`);
                expect(result.stderr).toContain(line);
                expect(result.stderr).toContain('Fix the permissions (chmod u+r on files');
              }
              expect(result.status).toBe(1);
            } finally {
              chmodSync(full, isFolder ? 0o755 : 0o644);
            }
            expect(tree(out)).toEqual(before);
          },
        ),
        {
          numRuns: 8,
          examples: [
            ['.', 0o300, false],
            // Without the comparison, the first read of the folder is the lock's listing.
            ['.', 0o300, true],
            ['kafka', 0o000, true],
          ],
        },
      );
    },
  );

  // A tmpfs of 400 KiB, filled up but for a few KiB: the prod output no longer fits.
  const full = join(work, 'full');
  mkdirSync(full);
  const mounted =
    isRoot && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', full]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [full]);
    rmSync(work, { recursive: true, force: true });
  });
  if (!mounted) {
    process.stdout.write('synth-paths: no tmpfs mount here (needs root); full-disk case skipped\n');
  }
  (mounted ? it : it.skip)(
    'on a full disk exits 2, says every file was put back, and leaves the folder as it was',
    () => {
      const out = join(full, 'out');
      expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
      writeFileSync(join(out, 'README.md'), '# ours\n');
      const free = spawnSync('df', ['-k', '--output=avail', full], { encoding: 'utf8' });
      const freeKiB = Number(free.stdout.trim().split('\n').pop());
      writeFileSync(join(full, 'filler'), Buffer.alloc(Math.max(0, freeKiB - 24) * 1024));
      const before = tree(out);
      // prod over dev is another cluster (charts/transitions.ts refuses the rename); the test is
      // about a full disk, so the output is written as for a platform created anew.
      const result = synth([
        '--config',
        'stacks/prod.yaml',
        '--out',
        out,
        '--ignore-previous-output',
      ]);
      expect(result.stderr).toMatch(
        /kafka-eks failed: writing .* failed \(ENOSPC: no space left on device.*\); every file was put back, the folder is as it was\n$/,
      );
      expect(result.status).toBe(2);
      expect(tree(out)).toEqual(before);
    },
  );
});
