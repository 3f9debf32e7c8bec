/**
 * Writers of users' files killed outright (SIGKILL, which no handler can hold) at moments drawn by
 * fast-check from the start of their write on: `kafka-eks synth --out` (the moment its lock
 * appears) and `kafka-eks simulate --svg` (the moment its temporary file appears). Right after the
 * kill every file holds its previous or its whole new content (compared with runs left alone) and
 * the user's own files are as they were; the next run completes and leaves no leftover. Real
 * processes, each killed itself (one node process with tsx's loader).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stopAll, stoppedRun } from './stopped-run';
import { CLI, ROOT, synth, tree } from './synth-run';

const SIMULATE = ['simulate', '--synthetic', 'daily:3', '--peak-mibps', '800', '--days', '1'];
const PREVIOUS_CHART = '<svg xmlns="http://www.w3.org/2000/svg"><!-- previous --></svg>\n';

describe('writers killed with SIGKILL during their write', () => {
  const work = mkdtempSync(join(tmpdir(), 'killed-writes-'));
  afterEach(stopAll);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('property: synth --out leaves old or new files and the user’s files; the next run completes', async () => {
    const reference = Object.fromEntries(
      ['dev', 'prod'].map(spec => {
        const dir = join(work, `reference-${spec}`);
        expect(synth(['--config', `stacks/${spec}.yaml`, '--out', dir]).status).toBe(0);
        return [spec, tree(dir)];
      }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 40 }), async afterWriteMs => {
        const out = join(work, `out-${run++}`);
        expect(synth(['--config', 'stacks/dev.yaml', '--out', out]).status).toBe(0);
        mkdirSync(join(out, '.git'));
        writeFileSync(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
        writeFileSync(join(out, 'README.md'), '# ours\n');
        await stoppedRun(
          ['synth', '--config', 'stacks/prod.yaml', '--out', out, '--ignore-previous-output'],
          { signal: 'SIGKILL', via: 'node', afterWriteMs },
          out,
          name => name === '.synth-lock',
        );
        const now = tree(out);
        for (const [path, bytes] of Object.entries(now)) {
          if (path === 'README.md' || path.startsWith('.git/') || path.startsWith('.synth-'))
            continue;
          expect([path, bytes === reference.dev![path] || bytes === reference.prod![path]]).toEqual(
            [path, true],
          );
        }
        expect(now['README.md']).toBe('# ours\n');
        expect(now['.git/HEAD']).toBe('ref: refs/heads/main\n');
        const again = synth([
          '--config',
          'stacks/prod.yaml',
          '--out',
          out,
          '--ignore-previous-output',
        ]);
        expect(again.status).toBe(0);
        const { 'README.md': readme, '.git/HEAD': head, ...generated } = tree(out);
        expect([readme, head]).toEqual(['# ours\n', 'ref: refs/heads/main\n']);
        expect(generated).toEqual(reference.prod);
      }),
      { numRuns: 3 },
    );
  }, 120_000);

  it('property: simulate --svg leaves the previous or the whole new chart; the next run leaves no temporary file', async () => {
    const dir = join(work, 'charts');
    mkdirSync(dir);
    const svg = join(dir, 'chart.svg');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10 }), async afterWriteMs => {
        writeFileSync(svg, PREVIOUS_CHART);
        await stoppedRun(
          [...SIMULATE, '--svg', svg],
          { signal: 'SIGKILL', via: 'node', afterWriteMs },
          dir,
          name => name.startsWith('.chart.svg.') && name.endsWith('.tmp'),
        );
        const afterKill = readFileSync(svg, 'utf8');
        const again = spawnSync(
          process.execPath,
          ['--import', 'tsx', CLI, ...SIMULATE, '--svg', svg],
          {
            cwd: ROOT,
          },
        );
        expect(again.status).toBe(0);
        // The chart is the same on every run: the whole new one is what the next run wrote.
        const whole = readFileSync(svg, 'utf8');
        expect(whole.startsWith('<svg')).toBe(true);
        expect([PREVIOUS_CHART, whole]).toContain(afterKill);
        expect(readdirSync(dir)).toEqual(['chart.svg']);
      }),
      { numRuns: 2 },
    );
  }, 120_000);
});
