/**
 * What a killed run leaves in an output nested with another one (`--out a` and `--out a/extra`)
 * never blocks the other output for ever. A lock the run of that folder would itself take over (an
 * empty one, still empty after the settle time) blocked the nested output with "wait for it to
 * finish" on every run; a lock of another pid view (a container) did too, without the fix the same
 * lock gets in its own folder (delete it once no run is left there).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, readManifest, writeOwnedFiles } from '../../charts/output';

describe('what a killed run leaves beside a nested output', () => {
  const work = mkdtempSync(join(tmpdir(), 'nested-stale-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const files = new Map([['kustomization.yaml', 'resources: []\n']]);

  it.each([
    ['above the output folder', (outer: string) => join(outer, 'extra'), (outer: string) => outer],
    ['inside the output folder', (outer: string) => outer, (outer: string) => join(outer, 'extra')],
  ])('an empty lock %s is a killed run’s: the nested output is written', (_, out, locked) => {
    const outer = mkdtempSync(join(work, 'empty-'));
    mkdirSync(locked(outer), { recursive: true });
    writeFileSync(join(locked(outer), LOCK_FILE), '');
    const nested = new Map([...files, ['extra/kafka.yaml', 'kind: Kafka\n']]);
    expect(writeOwnedFiles(nested, out(outer)).written.length).toBeGreaterThan(0);
    expect(readManifest(out(outer))).toBeDefined();
  });

  it('a lock of another pid view above is refused naming the lock to delete, writing nothing', () => {
    const outer = mkdtempSync(join(work, 'unseen-'));
    // Another boot id: a container of this machine never writes one, another machine does; its
    // ctime is now, so it is no lock of an earlier boot of this one.
    writeFileSync(join(outer, LOCK_FILE), '12 345 0123456789abcdef-4026531836\n');
    expect(() => writeOwnedFiles(files, join(outer, 'extra'))).toThrow(
      `delete ${join(outer, LOCK_FILE)} and run synth again`,
    );
    expect(readdirSync(outer)).toEqual([LOCK_FILE]);
  });
});
