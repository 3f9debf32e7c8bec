/**
 * Every command that replaces one user file goes through `writeFileAtomically`
 * (simulator/write-file.ts): `kafka-eks simulate --svg` and `npm run docs` (scripts/docs.ts). Here
 * each meets real faults from the kernel, not mocks: the file-size limit (`ulimit -f` in the
 * child's shell, EFBIG part way through the write), an immutable file (`chattr +i`, which stops
 * root too: EPERM on the rename) and an immutable folder (EPERM creating the temporary file). The
 * file and its folder must be byte for byte as they were, the run must exit non-zero, and its
 * message must name the file and say it is as it was: before, the CLI printed only `kafka-eks
 * failed: EFBIG: file too large, write`, naming no file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'cli', 'main.ts');

/** A writer under test: the command that replaces `file` (run by bash in `folder`). */
interface Writer {
  readonly name: string;
  /** Makes the old file and returns the shell command that replaces it. */
  readonly prepare: (file: string) => string;
  readonly fileName: string;
  /** True when the command checks the file and its folder are writable before it writes. */
  readonly checksFirst: boolean;
}

const WRITERS: readonly Writer[] = [
  {
    name: 'kafka-eks simulate --svg',
    fileName: 'chart.svg',
    checksFirst: true,
    prepare: file => {
      writeFileSync(file, '<svg>the old chart</svg>\n');
      return `exec "${TSX}" "${CLI}" simulate --synthetic daily:3 --days 1 --peak-mibps 100 --svg "${file}"`;
    },
  },
  {
    name: 'npm run docs (scripts/docs.ts updateReadme)',
    fileName: 'README.md',
    checksFirst: false,
    prepare: file => {
      // The project's README with its generated section emptied, so the run must rewrite it.
      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      const start = readme.indexOf('<!-- spec-reference:start');
      const end = readme.indexOf('<!-- spec-reference:end -->');
      writeFileSync(
        file,
        `${readme.slice(0, readme.indexOf('\n', start) + 1)}${readme.slice(end)}`,
      );
      return `exec node --import tsx -e "require('${join(ROOT, 'scripts', 'docs.ts')}').updateReadme(process.env.TARGET)"`;
    },
  },
];

/** Whether `chattr +i` works here (root or CAP_LINUX_IMMUTABLE, on ext4, XFS, Btrfs). */
function chattrWorks(folder: string): boolean {
  const probe = join(folder, 'chattr-probe');
  writeFileSync(probe, '');
  const set = spawnSync('chattr', ['+i', probe]).status === 0;
  spawnSync('chattr', ['-i', probe]);
  rmSync(probe, { force: true });
  return set;
}

/** Each entry of `folder` with its content, for a byte-for-byte comparison. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder).map(name => [name, readFileSync(join(folder, name)).toString('hex')]),
  );
}

describe('writeFileAtomically under real faults', () => {
  const work = mkdtempSync(join(tmpdir(), 'write-file-real-faults-'));
  const immutable = chattrWorks(work);
  afterAll(() => {
    spawnSync('chattr', ['-R', '-i', work]);
    rmSync(work, { recursive: true, force: true });
  });

  const faults: Array<[string, string, string | undefined]> = [
    ['the file-size limit (ulimit -f 1: EFBIG part way)', 'ulimit -f 1', undefined],
    ['an immutable file (chattr +i: EPERM on the rename)', '', 'file'],
    ['an immutable folder (chattr +i: EPERM on the temporary file)', '', 'folder'],
  ];

  for (const writer of WRITERS) {
    for (const [fault, limit, chattr] of faults) {
      const maybe = chattr !== undefined && !immutable ? it.skip : it;
      maybe(`${writer.name}: ${fault} leaves the file whole and says so`, () => {
        // GIVEN the user's file in a folder of its own
        const folder = join(work, `${writer.fileName}-${String(limit.length)}-${chattr ?? ''}`);
        mkdirSync(folder);
        const file = join(folder, writer.fileName);
        const command = writer.prepare(file);
        const before = snapshot(folder);
        if (chattr !== undefined) {
          expect(spawnSync('chattr', ['+i', chattr === 'file' ? file : folder]).status).toBe(0);
        }
        // WHEN the writer runs into the fault
        let result;
        try {
          result = spawnSync('bash', ['-c', `${limit}${limit === '' ? '' : '; '}${command}`], {
            cwd: ROOT,
            encoding: 'utf8',
            env: { ...process.env, TARGET: file },
          });
        } finally {
          spawnSync('chattr', ['-i', file, folder]);
        }
        // THEN it fails, naming the file and its state, and nothing changed
        expect(result.status).not.toBe(0);
        if (chattr !== undefined && writer.checksFirst) {
          // The CLI's own check (access(2) honours the immutable flag) refuses before writing.
          expect(result.stderr).toMatch(/^--svg: .*(read-only|cannot be written)/);
          expect(result.stderr).toContain('Nothing was written.');
        } else {
          expect(result.stderr).toContain(`${file}: writing it failed (`);
          expect(result.stderr).toContain('so it is as it was');
        }
        expect(snapshot(folder)).toEqual(before);
      });
    }
  }
});
