/**
 * Two runs creating one new output folder at once, both finding the leftover of a killed run
 * beside it (`.<name>.synth-reaping-<pid>`, a remover killed mid-way): each removes it, so one
 * finds a part of it gone while it lists or removes it. That run failed (ENOENT, an
 * OutputWriteError, exit 2) though nothing was wrong; now a leftover gone meanwhile is another
 * run's to remove. The other run is a real process, run at the moment this one lists the leftover.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readManifest, writeOwnedFiles } from '../../charts/output';

/** The `node:fs` module object itself, whose functions the writer calls (not an import copy). */
const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
const ROOT = resolve(__dirname, '..', '..');
const CHILD = join(__dirname, 'nested-race-child.ts');
const HEADER =
  '# Files written by kafka-eks-autoscaling synth (sha256sum format). Synth replaces and removes\n' +
  '# only these; every other file in this folder is left alone. Do not edit.\n';

describe('two runs removing one leftover beside a new output', () => {
  const work = fs.mkdtempSync(join(tmpdir(), 'output-reaping-race-'));
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it.each(['reaping', 'staging'])(
    'a %s leftover removed by the other run meanwhile: both runs write the output',
    kind => {
      // GIVEN the leftover of a killed run, a manifest and the files it lists, in a subfolder
      const parent = fs.mkdtempSync(join(work, 'case-'));
      const out = join(parent, 'out');
      const leftover = join(parent, `.out.synth-${kind}-999999999`);
      fs.mkdirSync(join(leftover, 'd'), { recursive: true });
      const empty = createHash('sha256').update('').digest('hex');
      const listed = ['d/f1', 'd/f2', 'd/f3'];
      for (const path of listed) fs.writeFileSync(join(leftover, path), '');
      fs.writeFileSync(
        join(leftover, '.synth-manifest'),
        `${HEADER}${listed.map(path => `${empty}  ${path}`).join('\n')}\n`,
      );
      // WHEN the other run (a process of its own) runs in full as this one lists the leftover
      const files = { 'k.yaml': 'kind: K\n' };
      let other = '';
      const readdir = fs.readdirSync;
      jest.spyOn(fs, 'readdirSync').mockImplementation(((path: string, options?: never) => {
        if (other === '' && String(path).startsWith(`${parent}/.out.synth-`)) {
          other = spawnSync(
            process.execPath,
            ['--import', 'tsx', CHILD, out, JSON.stringify(files)],
            { cwd: ROOT, encoding: 'utf8' },
          ).stdout.trim();
        }
        return readdir(path, options);
      }) as typeof fs.readdirSync);
      let here = 'written';
      try {
        writeOwnedFiles(new Map(Object.entries(files)), out);
      } catch (error) {
        here = `${(error as Error).name}: ${(error as Error).message}`;
      }
      // THEN both wrote the output (the later one into the folder the first made), no leftover
      expect(other).toBe('written');
      expect(here).toBe('written');
      expect([...(readManifest(out)?.keys() ?? [])]).toEqual(['k.yaml']);
      expect(fs.readdirSync(parent)).toEqual(['out']);
    },
  );
});
