/**
 * `kafka-eks synth --out` over an earlier output whose manifest, or one of whose owned files or
 * folders, is no longer what synth wrote there: a folder, a pipe (FIFO), a link to `/dev/zero`, to
 * a file or to a folder outside, or a manifest damaged by a merge. Synth reads the previous output
 * before it writes (`charts/transitions.ts` compares with it), and reading a pipe or `/dev/zero`
 * never ends, so such entries must be refused unread, by the same rule the write follows (links
 * are never followed), with the path and the fix, exit 1, and nothing written.
 *
 * The CLI runs as a child process with a time limit, so a run that hangs fails the test instead of
 * hanging it.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MANIFEST_FILE } from '../../charts/output';
import { CLI, ROOT, TSX } from './synth-run';
/** Longer than a run takes on a busy 2-core machine (about 2 s), far shorter than jest's limit. */
const RUN_LIMIT_MS = 40_000;

function synth(out: string): { status: number | null; stderr: string } {
  const result = spawnSync(TSX, [CLI, 'synth', '--config', 'stacks/dev.yaml', '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: RUN_LIMIT_MS,
    killSignal: 'SIGKILL',
  });
  return { status: result.status, stderr: result.stderr };
}

/** Every entry under `dir`, links and pipes not followed or read: kind, and bytes for files. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap(entry => {
      const path = `${prefix}${entry.name}`;
      if (entry.isDirectory())
        return [[`${path}/`, 'folder'], ...Object.entries(snapshot(dir, `${path}/`))];
      if (entry.isFile()) return [[path, readFileSync(join(dir, path), 'latin1')]];
      const stat = lstatSync(join(dir, path));
      return [[path, stat.isSymbolicLink() ? 'link' : stat.isFIFO() ? 'fifo' : 'other']];
    }),
  );
}

type Kind = 'folder' | 'fifo' | 'link to /dev/zero' | 'link to a file' | 'link to a folder';
type Position = 'manifest' | 'owned file' | 'owned folder';

/** Puts an entry of `kind` where `position` names, in place of what synth wrote there. */
function plant(out: string, outside: string, position: Position, kind: Kind): string {
  const path =
    position === 'manifest'
      ? MANIFEST_FILE
      : position === 'owned file'
        ? 'kafka/kustomization.yaml'
        : 'kafka';
  const at = join(out, path);
  const original = join(outside, 'original');
  cpSync(at, original, { recursive: true });
  rmSync(at, { recursive: true });
  if (kind === 'folder') mkdirSync(at);
  else if (kind === 'fifo') spawnSync('mkfifo', [at]);
  else if (kind === 'link to /dev/zero') symlinkSync('/dev/zero', at);
  else symlinkSync(original, at); // a copy of what was there, outside the folder
  return path;
}

describe('synth over an earlier output whose entries are no longer what it wrote', () => {
  const work = mkdtempSync(join(tmpdir(), 'synth-entry-kinds-'));
  const template = join(work, 'template');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeAll(() => {
    expect(synth(template).status).toBe(0);
    writeFileSync(join(template, 'README.md'), '# ours\n');
  });

  const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
  const kinds: Kind[] = [
    'folder',
    ...(hasMkfifo ? (['fifo'] as const) : []),
    'link to /dev/zero',
    'link to a file',
    'link to a folder',
  ];

  it('property: refuses unread (exit 1, path and fix named), never hangs, writes nothing', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<Position>('manifest', 'owned file', 'owned folder'),
        fc.constantFrom(...kinds),
        (position, kind) => {
          // An owned folder replaced by an empty folder is still a folder: synth refills it (below).
          fc.pre(!(position === 'owned folder' && kind === 'folder'));
          // GIVEN an earlier output with one entry replaced
          run += 1;
          const out = join(work, `out-${run}`);
          const outside = join(work, `outside-${run}`);
          mkdirSync(outside);
          cpSync(template, out, { recursive: true });
          const path = plant(out, outside, position, kind);
          const before = snapshot(out);
          // WHEN synth runs into it
          const result = synth(out);
          // THEN it ends, refuses naming the entry, and changes nothing
          expect(result.status).toBe(1);
          const message =
            position === 'manifest'
              ? `${MANIFEST_FILE}: is ${kind === 'folder' ? 'a folder' : 'a link, a pipe or a device'}, not the manifest synth writes; move it away`
              : `${path}: synth ${position === 'owned folder' ? 'needs a folder here' : 'writes a file here'}`;
          expect(result.stderr).toContain(message);
          expect(result.stderr).toMatch(/Nothing was written\.\n$/);
          expect(snapshot(out)).toEqual(before);
        },
      ),
      {
        numRuns: 6,
        // The entries whose read never ends, always tried.
        examples: [
          ['manifest', 'link to /dev/zero'],
          ...(hasMkfifo ? [['manifest', 'fifo'] as [Position, Kind]] : []),
          ['manifest', 'folder'],
        ],
      },
    );
  });

  it('refills an owned folder that was emptied (a folder where synth needs one is not refused)', () => {
    const out = join(work, 'emptied');
    cpSync(template, out, { recursive: true });
    const before = snapshot(out);
    rmSync(join(out, 'kafka'), { recursive: true });
    mkdirSync(join(out, 'kafka'));
    const result = synth(out);
    expect(result.status).toBe(0);
    expect(snapshot(out)).toEqual(before);
  });

  it('refuses a manifest damaged by a merge, naming the line and how to fix it', () => {
    const out = join(work, 'merged');
    cpSync(template, out, { recursive: true });
    const manifest = readFileSync(join(out, MANIFEST_FILE), 'utf8');
    writeFileSync(join(out, MANIFEST_FILE), `<<<<<<< HEAD\n${manifest}=======\n>>>>>>> theirs\n`);
    const before = snapshot(out);
    const result = synth(out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${join(out, MANIFEST_FILE)} is damaged (line "<<<<<<< HEAD"); restore it as synth wrote it (from version control, or resolve the merge), or delete it`,
    );
    expect(snapshot(out)).toEqual(before);
  });
});
