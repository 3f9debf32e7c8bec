/**
 * `npm run docs` (scripts/docs.ts) rewrites README.md through the shared writer of users' files
 * (`writeFileAtomically`): the README keeps its mode, a killed run's temporary file is removed by
 * the next run (before, `README.md.<pid>.tmp` of a killed run stayed in the checkout for good,
 * where `git add .` would commit it), and anything else is left alone.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { updateReadme } from '../../scripts/docs';
import { withSpecReference } from '../../spec/docs';

const ROOT = resolve(__dirname, '..', '..');

/** A pid no process has: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

/** A README with an outdated spec reference table. */
function staleReadme(): string {
  const current = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = current.indexOf('<!-- spec-reference:start');
  const line = current.indexOf('\n', start);
  return `${current.slice(0, line + 1)}| stale | row |\n${current.slice(line + 1)}`;
}

describe('npm run docs (updateReadme)', () => {
  it('rewrites the table, keeps the mode, and leaves nothing beside the README', () => {
    const folder = mkdtempSync(join(tmpdir(), 'docs-'));
    const readme = join(folder, 'README.md');
    writeFileSync(readme, staleReadme());
    chmodSync(readme, 0o640);
    expect(updateReadme(readme)).toBe(true);
    const text = readFileSync(readme, 'utf8');
    expect(text).not.toContain('| stale | row |');
    expect(withSpecReference(text)).toBe(text);
    expect(statSync(readme).mode & 0o777).toBe(0o640);
    expect(readdirSync(folder)).toEqual(['README.md']);
    // AND a second run changes nothing
    expect(updateReadme(readme)).toBe(false);
  });

  it("removes a killed run's temporary file, and keeps a file of that name that is not one", () => {
    // GIVEN a README, the first bytes a killed run wrote, and a look-alike of someone else's
    const folder = mkdtempSync(join(tmpdir(), 'docs-killed-'));
    const readme = join(folder, 'README.md');
    const stale = staleReadme();
    writeFileSync(readme, stale);
    const killed = `.README.md.${deadPid()}.tmp`;
    writeFileSync(join(folder, killed), stale.slice(0, 40));
    const other = `.README.md.${deadPid()}.tmp`;
    writeFileSync(join(folder, other), 'notes of mine\n');
    // WHEN docs runs
    expect(updateReadme(readme)).toBe(true);
    // THEN only the killed run's file is gone
    expect(readdirSync(folder).sort()).toEqual([other, 'README.md'].sort());
    expect(readFileSync(join(folder, other), 'utf8')).toBe('notes of mine\n');
  });
});
