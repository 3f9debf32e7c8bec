/** `kafka-eks synth` (`npm run synth`), run as a user runs it. */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'cli', 'main.ts');

function synth(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(TSX, [CLI, 'synth', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A successful run's stderr: only `warning: ` lines (the spec's), no error. */
function expectOnlyWarnings(stderr: string): void {
  for (const line of stderr.split('\n').filter(text => text !== '')) {
    expect(line).toMatch(/^warning: /);
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(
    listFiles(dir)
      .sort()
      .map(file => [file, readFileSync(join(dir, file), 'utf8')]),
  );
}

describe('npm run synth', () => {
  const work = mkdtempSync(join(tmpdir(), 'synth-cli-'));

  it('writes a kustomize tree for the default spec and prints a summary', () => {
    const out = join(work, 'default');
    const result = synth(['--out', out]);
    expectOnlyWarnings(result.stderr);
    expect(result.status).toBe(0);
    // The example's spec warnings (the unpublished controller image) go to stderr, not stdout.
    expect(result.stderr).toMatch(/^warning: controller\.image: /m);
    expect(result.stdout).not.toContain('warning');
    expect(result.stdout).toMatch(/^orders: Kafka 4\.3\.1, 12 brokers in 3 zone\(s\)/);
    expect(result.stdout).toMatch(
      /us-east-1a: pool brokers-a, brokers 1000, 1001, 1002, 1003, nodegroup orders-kafka-a, 4 NLB\(s\) cross-zone/,
    );
    expect(result.stdout).toMatch(/balanced levels per zone 1 \/ 2 \/ 4/);
    const root = parseAllDocuments(
      readFileSync(join(out, 'kustomization.yaml'), 'utf8'),
    )[0]!.toJS();
    expect(root.resources).toEqual(expect.arrayContaining(['storage', 'kafka']));
    for (const component of root.resources as string[]) {
      const kustomization = parseAllDocuments(
        readFileSync(join(out, component, 'kustomization.yaml'), 'utf8'),
      )[0]!.toJS();
      const files = readdirSync(join(out, component))
        .filter(f => f !== 'kustomization.yaml')
        .sort();
      expect([...kustomization.resources].sort()).toEqual(files);
    }
  });

  it('is byte-identical on re-run', () => {
    const out = join(work, 'rerun');
    expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
    const first = snapshotDir(out);
    expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
    expect(snapshotDir(out)).toEqual(first);
  });

  it('exits non-zero on an invalid spec, lists every problem and leaves the output untouched', () => {
    const out = join(work, 'kept');
    expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
    const before = snapshotDir(out);
    const bad = join(work, 'bad.yaml');
    writeFileSync(
      bad,
      'name: orders\nregion: us-east-1\nzones: [us-east-1a, us-east-1b]\nkafka:\n  brokers: 3\n  controllers: 2\n  brokerz: 1\n',
    );
    const result = synth(['--config', bad, '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'kafka.brokers: 3 is not a multiple of the 2 zones; use 2 or 4',
    );
    expect(result.stderr).toContain('kafka.controllers: 2 KRaft controllers');
    expect(result.stderr).toContain('kafka.brokerz: unknown key; did you mean "brokers"?');
    expect(result.stderr).toContain('Nothing was written.');
    expect(snapshotDir(out)).toEqual(before);
  });

  it('writes nothing at all when the spec is invalid and the output does not exist', () => {
    const out = join(work, 'never');
    const result = synth(['--config', join(work, 'missing.yaml'), '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--config: .*missing\.yaml does not exist/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work).filter(name => name.includes('staging'))).toEqual([]);
  });

  it('writes beside files it does not own and keeps them', () => {
    const out = join(work, 'foreign');
    mkdirSync(out);
    writeFileSync(join(out, 'precious.txt'), 'keep me');
    const result = synth(['--out', out]);
    expectOnlyWarnings(result.stderr);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/1 other file\(s\) left untouched/);
    expect(readFileSync(join(out, 'precious.txt'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(out, '.synth-manifest'), 'utf8')).not.toContain('precious.txt');
  });

  // Reproduction 1 of issue #12: re-running synth into a git repository deleted `.git`.
  it('keeps a git repository and a hand-added file in the output folder across re-runs', () => {
    // GIVEN a synth output committed to git, plus a hand-written patch
    const out = join(work, 'gitops');
    expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: out,
        encoding: 'utf8',
      });
    expect(git('init', '-q').status).toBe(0);
    writeFileSync(join(out, 'my-patch.yaml'), 'kind: Patch\n');
    expect(git('add', '.').status).toBe(0);
    expect(git('commit', '-q', '-m', 'first').status).toBe(0);
    // WHEN synth runs again into the same folder
    const again = synth(['--config', 'stacks/dev.yaml', '--out', out]);
    // THEN it succeeds, .git and the patch survive, and the tree is unchanged
    expectOnlyWarnings(again.stderr);
    expect(again.status).toBe(0);
    expect(existsSync(join(out, '.git', 'HEAD'))).toBe(true);
    expect(readFileSync(join(out, 'my-patch.yaml'), 'utf8')).toBe('kind: Patch\n');
    expect(git('status', '--porcelain').stdout).toBe('');
  });

  it('removes only its own files when a component goes away', () => {
    const out = join(work, 'shrink');
    expect(synth(['--config', 'stacks/prod.yaml', '--out', out]).status).toBe(0);
    const before = listFiles(out);
    writeFileSync(join(out, 'kafka', 'my-patch.yaml'), 'mine');
    // dev after prod shrinks volumes and topics (charts/transitions.ts refuses that); the test is
    // about which files synth removes, as for a platform created anew.
    expect(
      synth(['--config', 'stacks/dev.yaml', '--out', out, '--ignore-previous-output']).status,
    ).toBe(0);
    const manifest = readFileSync(join(out, '.synth-manifest'), 'utf8');
    for (const file of listFiles(out)) {
      if (file === '.synth-manifest' || file === 'kafka/my-patch.yaml') continue;
      expect(manifest).toContain(`  ${file}\n`);
    }
    const dropped = before.filter(f => !existsSync(join(out, f)));
    for (const file of dropped) expect(manifest).not.toContain(`  ${file}\n`);
    expect(readFileSync(join(out, 'kafka', 'my-patch.yaml'), 'utf8')).toBe('mine');
  });

  it('refuses, writing nothing, to overwrite a file it did not write', () => {
    const out = join(work, 'clash');
    mkdirSync(out);
    writeFileSync(join(out, 'kustomization.yaml'), 'resources: [mine.yaml]\n');
    const result = synth(['--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'kustomization.yaml: synth would overwrite it, but did not write it',
    );
    expect(result.stderr).toContain('Nothing was written.');
    expect(listFiles(out)).toEqual(['kustomization.yaml']);
  });

  it('refuses, writing nothing, to overwrite or remove an edited file of its own', () => {
    const out = join(work, 'edited');
    expect(synth(['--config', 'stacks/prod.yaml', '--out', out]).status).toBe(0);
    const kafkaFile = listFiles(out).find(f => f.startsWith('kafka/kafka-'))!;
    writeFileSync(join(out, kafkaFile), `${readFileSync(join(out, kafkaFile), 'utf8')}# mine\n`);
    const before = snapshotDir(out);
    const result = synth(['--config', 'stacks/dev.yaml', '--out', out, '--ignore-previous-output']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${kafkaFile}: was edited after synth wrote it`));
    expect(snapshotDir(out)).toEqual(before);
  });

  it('refuses to write into the project checkout itself (--out .)', () => {
    const result = synth(['--config', 'stacks/dev.yaml', '--out', '.']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /\. is the folder of this generator .*\nNothing was written\.\n$/s,
    );
    expect(existsSync(join(ROOT, '.synth-manifest'))).toBe(false);
    expect(existsSync(join(ROOT, 'kustomization.yaml'))).toBe(false);
  });

  // Runs killed outright at spread-out moments (some before, some during, some after the swap):
  // every re-run succeeds and the user's files survive.
  it("recovers from runs killed with SIGKILL at any moment, keeping the user's files", async () => {
    const out = join(work, 'killed');
    // Each generated file must hold the dev or the prod output's bytes right after a kill.
    const reference = ['dev', 'prod'].map(spec => {
      const dir = join(work, `reference-${spec}`);
      expect(synth(['--config', `stacks/${spec}.yaml`, '--out', dir]).status).toBe(0);
      return snapshotDir(dir);
    });
    expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
    mkdirSync(join(out, '.git'));
    writeFileSync(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(out, 'my-patch.yaml'), 'kind: Patch\n');
    for (const delayMs of [400, 900, 1400, 1900, 2600]) {
      const child = spawn(TSX, [CLI, 'synth', '--config', 'stacks/prod.yaml', '--out', out], {
        cwd: ROOT,
        stdio: 'ignore',
        detached: true,
      });
      const ended = new Promise(done => child.on('exit', done));
      await new Promise(done => setTimeout(done, delayMs));
      // tsx runs the program in a child process: kill the whole group, as a power loss would.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      await ended;
      const now = listFiles(out).filter(
        path =>
          !path.startsWith('.git/') && path !== 'my-patch.yaml' && !path.startsWith('.synth-'),
      );
      for (const path of now) {
        const bytes = readFileSync(join(out, path), 'utf8');
        expect([path, reference.some(files => files[path] === bytes)]).toEqual([path, true]);
      }
      expect(existsSync(join(out, '.synth-manifest'))).toBe(true);
      // dev after prod shrinks volumes and topics; this test is about recovery, not transitions.
      const again = synth([
        '--config',
        'stacks/dev.yaml',
        '--out',
        out,
        '--ignore-previous-output',
      ]);
      expectOnlyWarnings(again.stderr);
      expect(again.status).toBe(0);
      expect(readFileSync(join(out, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
      expect(readFileSync(join(out, 'my-patch.yaml'), 'utf8')).toBe('kind: Patch\n');
      expect(readdirSync(out).filter(name => name.startsWith('.synth-'))).toEqual([
        '.synth-manifest',
      ]);
    }
    // 13 synth processes: 25 s alone at load 12 on 2 cores, but 60 s ran out in a fresh
    // clone's `npm test` at load 12-17 (other jobs on the machine); the limit only bounds a hang.
  }, 240_000);

  it('lets one of two concurrent runs into the same folder write, and refuses the other cleanly', async () => {
    const out = join(work, 'concurrent');
    expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
    writeFileSync(join(out, 'my-patch.yaml'), 'kind: Patch\n');
    const run = (spec: string) =>
      new Promise<{ status: number | null; stderr: string }>(done => {
        const child = spawn(
          TSX,
          [CLI, 'synth', '--config', spec, '--out', out, '--ignore-previous-output'],
          {
            cwd: ROOT,
          },
        );
        let stderr = '';
        child.stderr.on('data', chunk => (stderr += String(chunk)));
        child.on('exit', status => done({ status, stderr }));
      });
    const results = await Promise.all([
      run('stacks/dev.yaml'),
      run('stacks/prod.yaml'),
      run('stacks/dev.yaml'),
    ]);
    for (const result of results) {
      if (result.status !== 0)
        expect(result.stderr).toMatch(/another synth run \(pid \d+\) is writing/);
    }
    expect(results.some(result => result.status === 0)).toBe(true);
    expect(readFileSync(join(out, 'my-patch.yaml'), 'utf8')).toBe('kind: Patch\n');
    // The folder holds exactly what its manifest lists.
    expect(spawnSync('sha256sum', ['-c', '--quiet', '.synth-manifest'], { cwd: out }).status).toBe(
      0,
    );
    expect(
      synth(['--config', 'stacks/dev.yaml', '--out', out, '--ignore-previous-output']).status,
    ).toBe(0);
  }, 60_000);
});
