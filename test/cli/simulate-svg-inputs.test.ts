/**
 * `kafka-eks simulate --svg` never writes the chart over a file the same run reads: the spec
 * (`--config`) or the load trace (`--trace`), named by the same path, through a link, or through
 * another name of the same file. Before, `--config spec.svg --svg spec.svg` replaced the user's
 * spec with the chart (exit 0). And the chart goes where the path was checked: `link/../x.svg`
 * was judged as `./x.svg` (path.resolve reads `..` first) but written by the kernel beside the
 * link's target, inside a `.git` folder (exit 0). Real CLI processes in a temp folder.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'cli', 'main.ts');

function simulate(args: string[], cwd: string): { status: number | null; stderr: string } {
  const result = spawnSync(TSX, [CLI, 'simulate', '--peak-mibps', '100', ...args], {
    cwd,
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

describe('simulate --svg naming a file the run reads', () => {
  const work = mkdtempSync(join(tmpdir(), 'simulate-svg-inputs-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const spec = join(work, 'spec.svg');
  copyFileSync(join(ROOT, 'stacks', 'prod.yaml'), spec);
  const trace = join(work, 'trace.svg');
  writeFileSync(
    trace,
    'timestamp,value\n2024-01-01T00:00:00Z,100\n2024-01-01T00:05:00Z,120\n2024-01-01T00:10:00Z,90\n',
  );
  symlinkSync(spec, join(work, 'chart.svg'));
  const inputs = { spec: readFileSync(spec), trace: readFileSync(trace) };
  const synthetic = ['--synthetic', 'daily:3', '--days', '1'];

  it.each([
    [
      'the spec, by its path',
      ['--config', 'spec.svg', ...synthetic, '--svg', 'spec.svg'],
      '--config',
    ],
    [
      'the spec, through a link',
      ['--config', 'spec.svg', ...synthetic, '--svg', 'chart.svg'],
      '--config',
    ],
    ['the trace, by its path', ['--trace', 'trace.svg', '--svg', './trace.svg'], '--trace'],
  ])('refuses %s (exit 1) and leaves it as it was', (_, args, reader) => {
    const result = simulate(args, work);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `--svg: "[^"]+" is the file ${reader} reads \\(.+\\); give the chart another name, for example sim\\.svg`,
      ),
    );
    expect(result.stderr).toMatch(/Nothing was written\.\n$/);
    expect(readFileSync(spec)).toEqual(inputs.spec);
    expect(readFileSync(trace)).toEqual(inputs.trace);
  });
});

describe('simulate --svg with `..` after a link', () => {
  const work = mkdtempSync(join(tmpdir(), 'simulate-svg-dotdot-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes the chart where the checks looked, never beside the link target inside .git', () => {
    // GIVEN a link into a repository's .git folder, where --svg is refused
    const hooks = join(work, 'repo', '.git', 'hooks', 'sub');
    mkdirSync(hooks, { recursive: true });
    mkdirSync(join(work, 'cwd'));
    symlinkSync(hooks, join(work, 'cwd', 'link'));
    // WHEN the chart is named through the link and `..`
    const result = simulate(
      ['--synthetic', 'daily:3', '--days', '1', '--svg', 'link/../chart.svg'],
      join(work, 'cwd'),
    );
    // THEN it is written where the path was judged (./chart.svg), and .git is as it was
    expect(result.stderr).not.toMatch(/failed/);
    expect(result.status).toBe(0);
    expect(readFileSync(join(work, 'cwd', 'chart.svg'), 'utf8')).toMatch(/^<svg/);
    expect(readdirSync(join(work, 'repo', '.git', 'hooks'))).toEqual(['sub']);
    expect(readdirSync(hooks)).toEqual([]);
  });
});
