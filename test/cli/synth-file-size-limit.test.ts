/**
 * `kafka-eks synth` into a user's GitOps checkout under a real file-size limit (`ulimit -f` in the
 * run's shell: the kernel answers EFBIG part way through the first write past it, as a full disk
 * answers ENOSPC). docs/gitops.md promises that such a failure leaves every file as it was, exits
 * non-zero and names the folder; review s34-e tried it by hand, this runs it. The checkout holds
 * `.git`, the user's README and an earlier output (of the dev example), and the run writes the prod
 * example over it: limits below the largest file fail somewhere in the middle of the staging,
 * and a limit above it lets the run finish.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, tree } from './synth-run';

/** `kafka-eks synth` run by bash with `ulimit -f <kib>` (1024-byte blocks in bash). */
function synthLimited(kib: number, args: readonly string[]) {
  const quoted = args.map(arg => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  return spawnSync(
    'bash',
    ['-c', `ulimit -f ${kib} && exec "${process.execPath}" --import tsx "${CLI}" ${quoted}`],
    { cwd: ROOT, encoding: 'utf8' },
  );
}

describe('synth under a file-size limit (ulimit -f, EFBIG)', () => {
  const work = mkdtempSync(join(tmpdir(), 'synth-fsize-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('leaves the checkout byte for byte as it was below the largest file, and writes it above', () => {
    const repo = join(work, 'repo');
    mkdirSync(repo);
    expect(spawnSync('git', ['init', '-q', repo]).status).toBe(0);
    writeFileSync(join(repo, 'README.md'), 'the team’s notes\n');
    const out = join(repo, 'platform');
    const dev = join(ROOT, 'stacks', 'dev.yaml');
    const prod = join(ROOT, 'stacks', 'prod.yaml');
    expect(synthLimited(1_000_000, ['synth', '--config', dev, '--out', out]).status).toBe(0);
    const before = tree(repo);
    const args = ['synth', '--config', prod, '--out', out, '--ignore-previous-output'];
    for (const kib of [1, 3, 8]) {
      const run = synthLimited(kib, args);
      expect({ kib, status: run.status }).toEqual({ kib, status: 2 });
      expect(run.stderr).toContain(
        `writing ${out} failed (EFBIG: file too large, write); every file was put back, the folder is as it was`,
      );
      expect(tree(repo)).toEqual(before);
      expect(readdirSync(out).filter(name => /^\.synth-(staging|lock)/.test(name))).toEqual([]);
    }
    const done = synthLimited(1024, args);
    expect(done.status).toBe(0);
    const after = tree(repo);
    expect(after['README.md']).toBe('the team’s notes\n');
    expect(after['platform/.synth-manifest']).not.toBe(before['platform/.synth-manifest']);
  }, 180_000);
});
