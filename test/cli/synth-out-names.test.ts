/**
 * `kafka-eks synth --out` with the folder names a user types or pastes: a name with a stray space
 * or a pasted line break is refused before anything is created (it would make a folder no one
 * meant, and exit 0), and a real name with spaces or quotes gets a printed render command that
 * runs as written (`render with: kubectl kustomize <out>`), also where `--out` has a `..` after a
 * link (synth reads it as path.resolve does, kubectl as the kernel does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth } from './synth-run';

describe('synth --out: folder names', () => {
  const work = mkdtempSync(join(tmpdir(), 'synth-out-names-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses a new folder name with a stray space or a line break (exit 1), creating nothing', () => {
    for (const [out, name] of [
      [join(work, 'gitops', 'dist '), 'dist '],
      [join(work, ' gitops', 'dist'), ' gitops'],
      [join(work, 'dist\nx'), 'dist\nx'],
    ] as const) {
      const result = synth(['--config', 'stacks/dev.yaml', '--out', out]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `--out: ${JSON.stringify(out)} would create a folder named ${JSON.stringify(name)}`,
      );
      expect(result.stderr).toMatch(/Nothing was written\.\n$/);
    }
    expect(readdirSync(work)).toEqual([]);
  });

  it('prints a render command that a shell runs with the folder as one argument', () => {
    // GIVEN a folder whose name holds spaces, a quote and a non-ASCII letter
    const parent = join(work, "team's platform", 'ü');
    mkdirSync(parent, { recursive: true });
    const out = join(parent, 'out');
    // WHEN synth writes there
    const result = synth(['--config', 'stacks/dev.yaml', '--out', out]);
    expect(result.status).toBe(0);
    expect(existsSync(join(out, 'kustomization.yaml'))).toBe(true);
    // THEN the printed command, read by bash, names exactly that folder
    const command = /render with: (kubectl kustomize .*)$/m.exec(result.stdout)?.[1];
    expect(command).toBeDefined();
    const words = spawnSync('bash', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' });
    expect(words.stdout.split('\0').slice(0, -1)).toEqual(['kubectl', 'kustomize', out]);
  });

  it('prints a render command that names the folder written, also for `link/../out`', () => {
    // GIVEN a link to a folder elsewhere, beside which a folder `out` holds something else
    const elsewhere = mkdtempSync(join(tmpdir(), 'synth-out-names-elsewhere-'));
    mkdirSync(join(elsewhere, 'deep', 'sub'), { recursive: true });
    mkdirSync(join(elsewhere, 'deep', 'out'));
    const base = join(work, 'dotdot');
    mkdirSync(base);
    symlinkSync(join(elsewhere, 'deep', 'sub'), join(base, 'link'));
    // WHEN synth writes to link/../out (base/out, as path.resolve reads it)
    const result = synth(['--config', 'stacks/dev.yaml', '--out', `${base}/link/../out`]);
    expect(result.status).toBe(0);
    expect(existsSync(join(base, 'out', 'kustomization.yaml'))).toBe(true);
    // THEN the printed command names that folder as the kernel (and kubectl) reads the path
    const command = /render with: kubectl kustomize (.*)$/m.exec(result.stdout)?.[1];
    expect(command).toBeDefined();
    const found = spawnSync('bash', ['-c', `test -f ${command}/kustomization.yaml`]);
    expect(found.status).toBe(0);
    expect(readdirSync(join(elsewhere, 'deep', 'out'))).toEqual([]);
  });
});
