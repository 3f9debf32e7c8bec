/**
 * Two runs at once into outputs nested in one another (`--out a` and `--out a/extra`), where the
 * files of both meet. Each run holds only its own folder's lock, and each checks the other
 * output's manifest before it swaps; a run that started after that check and finished before the
 * swap went unseen: both wrote `a/extra/kustomization.yaml`, both manifests listed it, and the
 * inner output held the outer one's file. The outer run here is stopped at its swap (a hook on
 * its first rename into `a`) while the inner one runs as a process of its own, in full, and the
 * other way round.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { MANIFEST_FILE, readManifest, writeOwnedFiles } from '../../charts/output';

/** The `node:fs` module object itself, whose functions the writer calls (not an import copy). */
const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
const ROOT = resolve(__dirname, '..', '..');
const CHILD = join(__dirname, 'nested-race-child.ts');

/** `files` written into `out` by a process of its own: its printed outcome. */
function runElsewhere(out: string, files: Record<string, string>): string {
  return spawnSync(process.execPath, ['--import', 'tsx', CHILD, out, JSON.stringify(files)], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
}

/** Each file two manifests under `root` list, and each listed file whose bytes differ. */
function manifestProblems(root: string, outputs: string[]): string[] {
  const claimedBy = new Map<string, string>();
  const problems: string[] = [];
  for (const out of outputs) {
    for (const [path, hash] of readManifest(out) ?? []) {
      const full = relative(root, join(out, path));
      const other = claimedBy.get(full);
      if (other !== undefined) problems.push(`${full}: listed by ${other} and ${out}`);
      claimedBy.set(full, out);
      const actual = createHash('sha256')
        .update(fs.readFileSync(join(out, path)))
        .digest('hex');
      if (actual !== hash) problems.push(`${full}: not what ${out}'s manifest lists`);
    }
  }
  return problems.sort();
}

describe('two runs at once into nested outputs whose files meet', () => {
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(join(tmpdir(), 'output-nested-race-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it.each([
    ['outer', 'is new', false],
    ['outer', 'exists (a folder of the inner output’s own)', true],
    ['inner', 'is new', false],
    ['inner', 'exists (a folder of the inner output’s own)', true],
  ])(
    'never both write one file: the %s run stopped at its swap, the inner folder %s',
    (stopped, _name, innerExists) => {
      // GIVEN the outer output a/ (no extra/ yet) and, maybe, the inner a/extra/ as an empty folder
      const outer = join(work, 'a');
      const inner = join(outer, 'extra');
      writeOwnedFiles(new Map([['kustomization.yaml', 'resources: [kafka]\n']]), outer);
      if (innerExists) fs.mkdirSync(inner);
      const outerFiles = {
        'kustomization.yaml': 'resources: [kafka, extra]\n',
        'extra/kustomization.yaml': 'resources: [outer]\n',
      };
      const innerFiles = { 'kustomization.yaml': 'resources: [inner]\n' };
      const [here, there] = stopped === 'outer' ? [outer, inner] : [inner, outer];
      const [hereFiles, thereFiles] =
        stopped === 'outer' ? [outerFiles, innerFiles] : [innerFiles, outerFiles];
      // WHEN one run (this process) reaches its swap (its first rename into its folder, or of its
      // staged folder into place), and the other (a process of its own) runs meanwhile
      let thereOutcome = '';
      const rename = fs.renameSync;
      jest.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
        if (thereOutcome === '' && (String(to) === here || String(to).startsWith(`${here}/`))) {
          thereOutcome = runElsewhere(there, thereFiles);
        }
        rename(from, to);
      });
      let hereOutcome = 'written';
      try {
        writeOwnedFiles(new Map(Object.entries(hereFiles)), here);
      } catch (error) {
        hereOutcome = `${(error as Error).name}: ${(error as Error).message}`;
      }
      // THEN only the run that reached its swap first wrote, the other was refused naming it; no
      // file is listed by both manifests, and every listed file holds what its manifest lists
      expect(hereOutcome).toBe('written');
      expect(thereOutcome).toMatch(
        /another synth run is writing .* now, an output nested with this one/,
      );
      const outputs = [outer, inner].filter(out => fs.existsSync(join(out, MANIFEST_FILE)));
      expect(manifestProblems(work, outputs)).toEqual([]);
    },
  );
});
