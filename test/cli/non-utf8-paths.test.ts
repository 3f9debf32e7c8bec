/**
 * Paths whose bytes are not UTF-8. Node decodes every command-line argument and environment
 * variable as UTF-8 and puts U+FFFD in place of what does not decode, so `--out $'x\xffy'` reached
 * the writer as `x\u{FFFD}y`: synth created that new folder (bytes EF BF BD) beside the user's
 * `x\xffy`, exit 0, and reported the output as written; `--svg` and PLATFORM_OUT did the same.
 * Now every output path holding U+FFFD is refused before anything is written, naming the option
 * and the fix (`cli/paths.ts`, `pathTextProblem`), and an input path holding it is reported as a
 * name that was not UTF-8 rather than as a missing file. Real CLI processes get the raw bytes
 * from bash's printf; the property checks the rule over generated paths.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { publishInputs } from '../../charts/publish';
import { inputFileProblem, outputFileProblem, outputFolderProblem } from '../../cli/paths';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'cli', 'main.ts');
const SPEC = join(ROOT, 'stacks', 'prod.yaml');

/** Runs the CLI in `cwd` with `args`, where each `\xNN` in an argument becomes that raw byte. */
function runWithBytes(args: string[], cwd: string): { status: number | null; stderr: string } {
  const quoted = args.map(arg => `"$(printf '%b' '${arg.replace(/'/g, "'\\''")}')"`).join(' ');
  const result = spawnSync('bash', ['-c', `exec "${TSX}" "${CLI}" ${quoted}`], {
    cwd,
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

/** Every entry under `folder`, as raw bytes in hex (names that are not UTF-8 included). */
function listing(folder: string): string[] {
  const found = spawnSync('find', [folder, '-mindepth', '1', '-print0']).stdout;
  const names: string[] = [];
  for (let start = 0; start < found.length;) {
    const end = found.indexOf(0, start);
    names.push(found.subarray(start, end).toString('hex'));
    start = end + 1;
  }
  return names.sort();
}

describe('paths that are not UTF-8', () => {
  const work = mkdtempSync(join(tmpdir(), 'non-utf8-paths-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each([
    ['synth --out, a new folder', ['synth', '--config', SPEC, '--out', 'x\\xffy'], '--out'],
    [
      'synth --out, inside an existing Latin-1 folder',
      ['synth', '--config', SPEC, '--out', 'caf\\xe9/platform'],
      '--out',
    ],
    [
      'simulate --svg',
      [
        'simulate',
        '--synthetic',
        'daily:3',
        '--days',
        '1',
        '--peak-mibps',
        '100',
        '--svg',
        'caf\\xe9.svg',
      ],
      '--svg',
    ],
  ])('refuses %s, writing nothing', (_name, args, option) => {
    // GIVEN a folder holding a Latin-1 named folder of the user's
    mkdirSync(Buffer.concat([Buffer.from(join(work, 'caf')), Buffer.from([0xe9])]), {
      recursive: true,
    });
    const before = listing(work);
    // WHEN a command is given a path with a byte that is not UTF-8
    const result = runWithBytes(args, work);
    // THEN it is refused with the option, the character and the fix, and nothing is written
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${option}: `);
    expect(result.stderr).toContain('holds U+FFFD');
    expect(result.stderr).toContain('rename it to a UTF-8 name');
    expect(listing(work)).toEqual(before);
  });

  it('says a --config path that is not UTF-8 is one, not that the file is missing', () => {
    const result = runWithBytes(
      ['plan', '--config', 'spec-\\xe9.yaml'],
      mkdtempSync(join(work, 'plan-')),
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--config: ');
    expect(result.stderr).toContain('holds U+FFFD');
  });

  it('refuses a PLATFORM_OUT holding U+FFFD (cdk8s synth)', () => {
    expect(() =>
      publishInputs({ PLATFORM_SPEC: SPEC, PLATFORM_OUT: join(work, 'pub\uFFFD') }),
    ).toThrow(/PLATFORM_OUT: .* holds U\+FFFD/);
  });

  it('refuses every output path with U+FFFD anywhere, and no other for that reason', () => {
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        (segments, at, offset) => {
          const clean = join(work, 'prop', ...segments);
          const index = at % segments.length;
          const word = segments[index] ?? '';
          const cut = offset % (word.length + 1);
          const broken = [...segments];
          broken[index] = `${word.slice(0, cut)}\uFFFD${word.slice(cut)}`;
          const bad = join(work, 'prop', ...broken);
          expect(outputFolderProblem('--out', bad)).toMatch(/^--out: .* holds U\+FFFD/);
          expect(outputFileProblem('--svg', `${bad}.svg`, '.svg', 'sim.svg')).toMatch(
            /^--svg: .* holds U\+FFFD/,
          );
          expect(inputFileProblem('--config', bad, SPEC)).toMatch(/^--config: .* holds U\+FFFD/);
          expect(outputFolderProblem('--out', clean) ?? '').not.toContain('U+FFFD');
          expect(inputFileProblem('--config', clean, SPEC) ?? '').not.toContain('U+FFFD');
        },
      ),
      { numRuns: 200 },
    );
  });
});
