/**
 * What a killed run leaves in an output nested with another one (`--out a` and `--out a/extra`)
 * never blocks the other output for ever. A lock the run of that folder would itself take over (an
 * empty one, still empty after the settle time) blocked the nested output with "wait for it to
 * finish" on every run; a lock of another pid view (a container) did too, without the fix the same
 * lock gets in its own folder (delete it once no run is left there). The staging folder of a killed
 * run creating the nested output (`.extra.synth-staging-<pid>`) whose pid names a live process
 * that started after the folder was made (after a reboot, a pid wrap, in the next container job)
 * blocked the outer output the same way, and was never removed by the nested one.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOCK_FILE, MANIFEST_FILE, readManifest, writeOwnedFiles } from '../../charts/output';

const ROOT = resolve(__dirname, '..', '..');
/** The first line synth writes in every manifest: a manifest cut short by a kill. */
const MANIFEST_PREFIX = '# Files written by kafka-eks-autoscaling synth';

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

const CHILD = join(__dirname, 'nested-race-child.ts');
/** Where the faked `/proc/stat` copies are kept. */
const BOOTS = mkdtempSync(join(tmpdir(), 'nested-boot-'));
afterAll(() => rmSync(BOOTS, { recursive: true, force: true }));
const canFakeBoot =
  process.platform === 'linux' &&
  spawnSync('unshare', ['--mount', 'mount', '--bind', '/proc/stat', '/proc/stat']).status === 0;

/**
 * `files` written into `out` by a process of its own that sees a boot begun at `bootTimeMs`
 * (`/proc/stat` btime bind-mounted in a mount namespace of its own), or this boot: its outcome.
 */
function writeInBoot(out: string, files: Record<string, string>, bootTimeMs?: number): string {
  const node = `'${process.execPath}' --import tsx '${CHILD}' '${out}' '${JSON.stringify(files)}'`;
  if (bootTimeMs === undefined) {
    return spawnSync('sh', ['-c', node], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  }
  const stat = join(BOOTS, `stat-${process.hrtime.bigint()}`);
  writeFileSync(
    stat,
    readFileSync('/proc/stat', 'utf8').replace(
      /^btime \d+$/m,
      `btime ${Math.floor(bootTimeMs / 1000)}`,
    ),
  );
  return spawnSync(
    'unshare',
    ['--mount', 'sh', '-c', `mount --bind '${stat}' /proc/stat && ${node}`],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  ).stdout.trim();
}

(canFakeBoot ? describe : describe.skip)(
  'a killed run’s staging folder named by a live pid',
  () => {
    const work = mkdtempSync(join(tmpdir(), 'nested-staging-'));
    let sleeper: ChildProcess;
    beforeAll(() => {
      // A live process started before any leftover below is made.
      sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    });
    afterAll(() => {
      sleeper.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    });

    /** An output `a` and, in it, what a run creating `a/extra` killed at its first file left. */
    function leftover(): { outer: string; staging: string } {
      const outer = join(mkdtempSync(join(work, 'case-')), 'a');
      expect(writeInBoot(outer, { 'kustomization.yaml': 'resources: []\n' })).toBe('written');
      const staging = join(outer, `.extra.synth-staging-${sleeper.pid}`);
      mkdirSync(staging);
      writeFileSync(join(staging, MANIFEST_FILE), MANIFEST_PREFIX);
      return { outer, staging };
    }
    const outerFiles = {
      'kustomization.yaml': 'resources: []\n',
      'extra/kafka.yaml': 'kind: Kafka\n',
    };

    it('after a reboot the outer output is written over it', () => {
      const { outer, staging } = leftover();
      const nextBoot = lstatSync(staging).ctimeMs + 60_000;
      expect(writeInBoot(outer, outerFiles, nextBoot)).toBe('written');
      expect(readManifest(outer)?.has('extra/kafka.yaml')).toBe(true);
    });

    it('after a reboot the nested output removes it and is written', () => {
      const { outer, staging } = leftover();
      const nextBoot = lstatSync(staging).ctimeMs + 60_000;
      const inner = { 'other.yaml': 'kind: Other\n' };
      expect(writeInBoot(join(outer, 'extra'), inner, nextBoot)).toBe('written');
      expect(readdirSync(outer).sort()).toEqual([MANIFEST_FILE, 'extra', 'kustomization.yaml']);
    });

    it('in this boot, where its pid may still be its run, is refused naming it to delete', () => {
      const { outer, staging } = leftover();
      const before = readdirSync(outer).sort();
      const outcome = writeInBoot(outer, outerFiles);
      expect(outcome).toContain(`delete ${staging} and run synth again`);
      expect(readdirSync(outer).sort()).toEqual(before);
    });
  },
);
