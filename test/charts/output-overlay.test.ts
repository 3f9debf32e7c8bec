/**
 * An output folder on overlayfs whose layers lie on different file systems (a container image
 * layer under a writable one): a file there reports the st_dev of the layer that holds it, not the
 * overlay's (kernel overlayfs.rst, "Overlay objects"), yet renaming over it in the overlay works.
 * The mount check took every file of the lower layer for a mount point of another file system and
 * refused every run as bad input, telling the user to unmount what is no mount. Real overlay
 * mounts in a mount namespace of their own (`unshare --mount`, root only), real child processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const CHILD = join(__dirname, 'nested-race-child.ts');

const canMount =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--mount', 'mount', '-t', 'tmpfs', 'none', '/mnt']).status === 0;

(canMount ? describe : describe.skip)('an output folder on overlayfs', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-overlay-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('whose lower layer is another file system is written over (files replaced and removed)', () => {
    for (const part of ['lower', 'upper', 'work', 'merged']) mkdirSync(join(work, part));
    const write = (out: string, files: Record<string, string>): string =>
      `'${process.execPath}' --import tsx '${CHILD}' '${out}' '${JSON.stringify(files)}'`;
    const merged = join(work, 'merged', 'out');
    const script = [
      `mount -t tmpfs none '${join(work, 'lower')}'`,
      write(join(work, 'lower', 'out'), {
        'k.yaml': 'a\n',
        'sub/x.yaml': 'b\n',
        'gone.yaml': 'c\n',
      }),
      `mount -t overlay overlay -o 'lowerdir=${join(work, 'lower')},upperdir=${join(work, 'upper')},workdir=${join(work, 'work')}' '${join(work, 'merged')}'`,
      // The layers differ: a lower file's st_dev is not the overlay folder's.
      `test "$(stat -c %d '${merged}')" != "$(stat -c %d '${join(merged, 'k.yaml')}')"`,
      write(merged, { 'k.yaml': 'changed\n', 'sub/x.yaml': 'b2\n' }),
      `cat '${join(merged, 'k.yaml')}' '${join(merged, 'sub', 'x.yaml')}'`,
      `ls -A '${merged}'`,
    ].join(' && ');
    const run = spawnSync('unshare', ['--mount', 'sh', '-c', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      ['written', 'written', 'changed', 'b2', '.synth-manifest', 'k.yaml', 'sub', ''].join('\n'),
    );
  });
});
