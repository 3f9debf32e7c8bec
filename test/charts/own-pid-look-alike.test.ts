/**
 * A writer's scratch name (synth's `.<name>.synth-staging-<pid>` beside a new output folder, the
 * chart's `.<name>.<pid>.tmp` beside `--svg`) carries the writer's pid, and a pid is reused: in a
 * container every job may run as the same small pid. An entry of that very name that is not the
 * writer's own leftover (it holds other files or other content) is the user's: the write is
 * refused and the entry is left as it was, never emptied, replaced or removed. Before, synth
 * removed such a folder outright and the chart write truncated such a file. Real child processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const CHILD = join(__dirname, 'own-pid-look-alike-child.ts');

function child(
  kind: 'synth' | 'synth-existing' | 'svg',
  out: string,
): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CHILD, kind, out], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout };
}

describe('a user entry named like the writer’s own scratch entry', () => {
  const work = mkdtempSync(join(tmpdir(), 'own-pid-look-alike-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('synth into a new folder: the folder beside it is refused and kept', () => {
    const result = child('synth', join(work, 'platform'));
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /\.platform\.synth-staging-\d+: is named like this run's staging folder but holds files synth did not write; move it away/,
    );
    const [lookAlike] = readdirSync(work).filter(name => name.includes('platform'));
    expect(readdirSync(work).filter(name => name.includes('platform'))).toEqual([
      expect.stringMatching(/^\.platform\.synth-staging-\d+$/),
    ]);
    expect(readFileSync(join(work, lookAlike!, 'notes.md'), 'utf8')).toBe('my notes\n');
  });

  it('synth into an existing folder: a file named like its staging folder is refused and kept', () => {
    const out = join(work, 'existing');
    const result = child('synth-existing', out);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /\.synth-staging-\d+: is named like this run's staging folder but is not one synth made; move it away/,
    );
    const names = readdirSync(out);
    expect(names).toEqual([expect.stringMatching(/^\.synth-staging-\d+$/)]);
    expect(readFileSync(join(out, names[0]!), 'utf8')).toBe('my notes\n');
  });

  it('the chart: the file beside it is refused and kept', () => {
    const svg = join(work, 'sim.svg');
    const result = child('svg', svg);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /\.sim\.svg\.\d+\.tmp: is named like this run's temporary file but is not one; move it away/,
    );
    const names = readdirSync(work).filter(name => name.includes('sim.svg'));
    expect(names).toEqual([expect.stringMatching(/^\.sim\.svg\.\d+\.tmp$/)]);
    expect(readFileSync(join(work, names[0]!), 'utf8')).toBe('my notes\n');
  });
});
