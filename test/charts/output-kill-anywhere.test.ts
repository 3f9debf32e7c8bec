/**
 * A run killed outright (SIGKILL) before any one of its file system changes, with leftovers of
 * earlier killed runs (a staging folder, a remover's reaping folder) and the user's own files and
 * look-alike folders beside and inside the output: the user's files are never changed, and the
 * next run recovers and writes the whole output. Property over the kill point (fast-check), a new
 * and an existing output folder; each killed run is a real process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { writeOwnedFiles } from '../../charts/output';
import { tree } from '../cli/synth-run';

const ROOT = resolve(__dirname, '..', '..');
const CHILD = join(__dirname, 'kill-at-child.ts');
const HEADER =
  '# Files written by kafka-eks-autoscaling synth (sha256sum format). Synth replaces and removes\n' +
  '# only these; every other file in this folder is left alone. Do not edit.\n';
const FILES = { 'kustomization.yaml': 'resources: [kafka]\n', 'kafka/kafka.yaml': 'kind: Kafka\n' };

/** `FILES` written into `out` by a process killed before its `kill`th change: what it printed. */
function runKilledAt(out: string, kill: number): string {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', CHILD, out, JSON.stringify(FILES), `${kill}`],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  ).stdout.trim();
}

/** A killed run's leftover `dir`: a manifest synth wrote and the files it lists. */
function killedLeftover(dir: string): void {
  mkdirSync(join(dir, 'kafka'), { recursive: true });
  writeFileSync(join(dir, 'kafka', 'kafka.yaml'), 'kind: Old\n');
  const hash = createHash('sha256').update('kind: Old\n').digest('hex');
  writeFileSync(join(dir, '.synth-manifest'), `${HEADER}${hash}  kafka/kafka.yaml\n`);
}

/** The user's own files, by path under `parent`: beside the output, inside it, look-alikes. */
const USER = {
  'keep.txt': 'mine\n',
  '.out.synth-reaping-old/notes.txt': 'my notes\n',
  '.out.synth-staging-12/kafka/kafka.yaml': 'kind: Mine\n',
};

describe('a run killed before any one of its changes', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-kill-anywhere-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** A parent folder with the user's files, killed runs' leftovers and maybe an output. */
  function scene(existing: boolean): { parent: string; out: string } {
    const parent = mkdtempSync(join(work, 'case-'));
    for (const [path, text] of Object.entries(USER)) {
      mkdirSync(join(parent, path, '..'), { recursive: true });
      writeFileSync(join(parent, path), text);
    }
    killedLeftover(join(parent, '.out.synth-staging-999999999'));
    killedLeftover(join(parent, '.out.synth-reaping-999999998'));
    const out = join(parent, 'out');
    if (existing) {
      writeOwnedFiles(
        new Map([
          ['kustomization.yaml', 'resources: []\n'],
          ['gone.yaml', 'x\n'],
        ]),
        out,
      );
      writeFileSync(join(out, 'mine.txt'), 'mine too\n');
    }
    return { parent, out };
  }

  const userIntact = (parent: string, existing: boolean): void => {
    for (const [path, text] of Object.entries(USER)) {
      expect(readFileSync(join(parent, path), 'utf8')).toBe(text);
    }
    if (existing) expect(readFileSync(join(parent, 'out', 'mine.txt'), 'utf8')).toBe('mine too\n');
  };

  it.each([false, true])(
    'existing output folder: %s',
    existing => {
      const { out: probe } = scene(existing);
      const changes = Number(runKilledAt(probe, 0));
      expect(changes).toBeGreaterThan(5);
      fc.assert(
        fc.property(fc.integer({ min: 1, max: changes }), kill => {
          const { parent, out } = scene(existing);
          runKilledAt(out, kill);
          userIntact(parent, existing);
          // The next run recovers: it writes the whole output and leaves the user's files alone
          writeOwnedFiles(new Map(Object.entries(FILES)), out);
          userIntact(parent, existing);
          const written = tree(out);
          for (const [path, text] of Object.entries(FILES)) expect(written[path]).toBe(text);
          expect(existsSync(join(out, 'gone.yaml'))).toBe(false);
          const left = readdirSync(parent).filter(name =>
            /synth-(staging|reaping)-\d+$/.test(name),
          );
          expect(left).toEqual(['.out.synth-staging-12']);
          expect(readdirSync(out).filter(name => name.startsWith('.synth-staging'))).toEqual([]);
        }),
        { numRuns: 4 },
      );
    },
    60_000,
  );
});
