/**
 * Output paths the system cannot take: a path longer than PATH_MAX (4095 bytes here), and a
 * folder in the output that is a mount point of another file system (files are staged in the
 * output folder and renamed into place, which cannot cross file systems: EXDEV). Both once failed
 * half way, with a raw error and exit 2; they must be refused up front, naming the path and the
 * fix, with nothing written.
 */
import { spawnSync } from 'node:child_process';
import type { StatSyncOptions } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { MANIFEST_FILE, OutputPathError, writeOwnedFiles } from '../../charts/output';
import { CLI, ROOT, TSX, tree } from '../cli/synth-run';

/** The `node:fs` module object itself, whose functions the writer calls (not an import copy). */
const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
const PATH_MAX_BYTES = 4095;

/** A folder under `base` whose path is exactly `bytes` long (folders of up to 200 bytes each). */
function folderOfLength(base: string, bytes: number): string {
  let path = base;
  while (bytes - path.length > 201) path = join(path, 'd'.repeat(200));
  path = join(path, 'e'.repeat(bytes - path.length - 1));
  fs.mkdirSync(path, { recursive: true });
  expect(Buffer.byteLength(path)).toBe(bytes);
  return path;
}

/** A relative file path exactly `bytes` long, in folders of up to 100 bytes (names stay short). */
function relativePathOfLength(bytes: number): string {
  const segments: string[] = [];
  let left = bytes;
  while (left > 101) {
    segments.push('f'.repeat(100));
    left -= 101;
  }
  segments.push('x'.repeat(left));
  const path = segments.join('/');
  expect(path.length).toBe(bytes);
  return path;
}

describe('output paths the system cannot take', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(join(tmpdir(), 'output-path-limits-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('a new folder whose staged files would pass PATH_MAX is refused up front; one byte less is written', () => {
    // GIVEN a parent whose path leaves room for the staging folder and a file path of known size
    const parent = folderOfLength(work, 3800);
    const out = join(parent, 'platform');
    const staging = `.platform.synth-staging-${process.pid}`;
    const room = PATH_MAX_BYTES - Buffer.byteLength(join(parent, staging)) - 1;
    const fits = new Map([[relativePathOfLength(room), 'one\n']]);
    const over = new Map([[relativePathOfLength(room + 1), 'one\n']]);
    // WHEN the path is one byte too long THEN it is refused, naming the limit and the fix
    expect(() => writeOwnedFiles(over, out)).toThrow(OutputPathError);
    expect(() => writeOwnedFiles(over, out)).toThrow(
      /synth would use paths of up to 4096 bytes .*more than the 4095 bytes a path may have here \(PATH_MAX\); give an output folder whose path is at most \d+ bytes long/,
    );
    expect(fs.readdirSync(parent)).toEqual([]);
    // AND at the limit it is written
    expect(writeOwnedFiles(fits, out).written).toEqual([...fits.keys()]);
    expect(fs.readdirSync(parent)).toEqual(['platform']);
  });

  it('an existing folder whose staging paths would pass PATH_MAX is refused before anything changes', () => {
    // GIVEN an earlier output whose own paths fit, but not with the staging folder in between
    const out = folderOfLength(work, 3900);
    const file = relativePathOfLength(PATH_MAX_BYTES - 3900 - '/platform/'.length);
    // (written where the path is short, then moved: a new folder's own staging would not fit)
    writeOwnedFiles(new Map([[file, 'one\n']]), join(work, 'short'));
    fs.renameSync(join(work, 'short'), join(out, 'platform'));
    const before = tree(join(out, 'platform'));
    // WHEN the next run writes new content
    expect(() => writeOwnedFiles(new Map([[file, 'two\n']]), join(out, 'platform'))).toThrow(
      /staging-\d+\/new\/.*more than the 4095 bytes a path may have here \(PATH_MAX\)/,
    );
    // THEN nothing changed, and nothing was left
    expect(tree(join(out, 'platform'))).toEqual(before);
  });

  it('the CLI reports a too long --out as bad input (exit 1) with the fix, and writes nothing', () => {
    const parent = folderOfLength(work, 4000);
    const result = spawnSync(
      TSX,
      [CLI, 'synth', '--config', 'stacks/dev.yaml', '--out', join(parent, 'platform')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(result.stderr).toMatch(
      /^--out: cannot write .*platform:\n {2}- the folder's path is \d+ bytes long, .*give an output folder whose path is at most \d+ bytes long\n/,
    );
    expect(result.status).toBe(1);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('a folder of the output on another file system is refused before anything changes', () => {
    // GIVEN an earlier output whose kafka/ folder reports another device (a mount point)
    const out = join(work, 'platform');
    writeOwnedFiles(new Map([['kafka/x.yaml', 'one\n']]), out);
    const before = tree(out);
    const mounted = join(out, 'kafka');
    const lstat = fs.lstatSync;
    const spy = jest.spyOn(fs, 'lstatSync').mockImplementation(((
      path: string,
      options?: StatSyncOptions,
    ) => {
      const stat = lstat(path, options);
      if (stat === undefined) return stat;
      return Object.assign(Object.create(Object.getPrototypeOf(stat) as object) as object, stat, {
        dev: String(path) === mounted ? Number(stat.dev) + 1 : stat.dev,
      });
    }) as typeof fs.lstatSync);
    try {
      expect(() => writeOwnedFiles(new Map([['kafka/x.yaml', 'two\n']]), out)).toThrow(
        /kafka\/: is on another file system than the output folder .*\(EXDEV\); unmount it, or give an output folder with no mount point inside/,
      );
    } finally {
      spy.mockRestore();
    }
    expect(tree(out)).toEqual(before);
  });

  // A real mount needs a mount namespace (unshare -rm: user namespaces); where the system allows
  // none, the in-process case above stands alone.
  const canMount = spawnSync('unshare', ['-rm', 'true']).status === 0;
  (canMount ? it : it.skip)(
    'the CLI refuses a real mount point inside --out (exit 1, EXDEV named), writing nothing',
    () => {
      const out = join(work, 'platform');
      expect(
        spawnSync(TSX, [CLI, 'synth', '--config', 'stacks/dev.yaml', '--out', out], { cwd: ROOT })
          .status,
      ).toBe(0);
      const before = tree(out);
      const script = `mount -t tmpfs none '${join(out, 'kafka')}' && '${TSX}' '${CLI}' synth --config stacks/prod.yaml --out '${out}' --ignore-previous-output`;
      const result = spawnSync('unshare', ['-rm', 'sh', '-c', script], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(result.stderr).toMatch(
        /--out: cannot write .*\n {2}- kafka\/: is on another file system/,
      );
      expect(result.status).toBe(1);
      expect(tree(out)).toEqual(before);
      expect(fs.existsSync(join(out, MANIFEST_FILE))).toBe(true);
    },
    60_000,
  );

  // A bind mount needs a mount namespace; as root, `unshare --mount` gives one.
  const canBind = spawnSync('unshare', ['--mount', 'mount', '--bind', ROOT, ROOT]).status === 0;
  (canBind ? it.each : it.skip.each)([
    ['a file', 'drain-cleaner/kustomization.yaml'],
    ['a folder', 'drain-cleaner'],
  ])(
    'the CLI refuses %s of --out bind-mounted from the same file system (exit 1), writing nothing',
    (_kind, mounted) => {
      // GIVEN an earlier output, and a copy of one of its entries bind-mounted over it: st_dev is
      // that of the output folder, yet rename(2) across the mount fails (EXDEV, or EBUSY for the
      // mounted file itself)
      const out = join(work, 'platform');
      expect(
        spawnSync(TSX, [CLI, 'synth', '--config', 'stacks/dev.yaml', '--out', out], { cwd: ROOT })
          .status,
      ).toBe(0);
      fs.cpSync(join(out, mounted), join(work, 'copy'), { recursive: true });
      const before = tree(out);
      // WHEN a run that changes files there writes the folder
      const script = `mount --bind '${join(work, 'copy')}' '${join(out, mounted)}' && '${TSX}' '${CLI}' synth --config stacks/prod.yaml --out '${out}' --ignore-previous-output`;
      const result = spawnSync('unshare', ['--mount', 'sh', '-c', script], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      // THEN it is refused up front as bad input, naming the mount point
      expect(result.stderr).toContain(`--out: cannot write ${out}:\n  - ${mounted}`);
      expect(result.stderr).toContain('a mount point');
      expect(result.status).toBe(1);
      expect(tree(out)).toEqual(before);
    },
    60_000,
  );
});
