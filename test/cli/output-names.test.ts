/**
 * Every output path a user gives, across the CLIs (`synth --out`, the cdk8s app's `PLATFORM_OUT`,
 * `simulate --svg`), goes through one name check (`cli/paths.ts`): a name the run would create
 * that holds a control character, starts or ends with white space, or is longer than 255 bytes is
 * refused before anything is written, naming the option, the path and the fix. `--svg` once took
 * such names (a file named with a line break, exit 0) or failed with a raw ENAMETOOLONG (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { outputFileProblem, outputFolderProblem } from '../../cli/paths';
import { runSynth } from '../../cli/run/synth';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** A plain name part: letters, digits, `-`, `_`, `.` inside, ü; never `.` or `..` alone. */
const plain = fc
  .array(fc.constantFrom('a', 'Z', '7', '-', '_', 'ü', '.'), { minLength: 1, maxLength: 40 })
  .map(chars => `n${chars.join('')}`);

/** A name no one means: a control character inside, white space at an end, or too long. */
const bad = fc.oneof(
  fc
    .tuple(plain, fc.integer({ min: 0, max: 31 }), plain)
    .map(([a, code, b]) => `${a}${String.fromCharCode(code)}${b}`),
  fc.tuple(plain, fc.constantFrom(' ', '\t', '\u00a0')).map(([a, space]) => `${a}${space}`),
  fc.tuple(fc.constantFrom(' ', '\u3000'), plain).map(([space, a]) => `${space}${a}`),
  fc.integer({ min: 256, max: 400 }).map(length => 'x'.repeat(length)),
);

describe('one check for the output names users give, in every CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-names-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('property: a bad new name is refused as a folder (--out) and as a file (--svg), with the fix', () => {
    /** Which rule a message applies. */
    const rule = (message: string | undefined): string =>
      /control character/.test(message ?? '')
        ? 'control'
        : /white space/.test(message ?? '')
          ? 'space'
          : /bytes long, more than the 255/.test(message ?? '')
            ? 'length'
            : `none: ${message}`;
    fc.assert(
      fc.property(bad, name => {
        // The file keeps its extension inside the name, so white space stays at an end.
        const trailing = /\s$/u.test(name) ? name.slice(name.trimEnd().length) : '';
        const fileName = `${name.trimEnd()}.svg${trailing}`;
        const folder = outputFolderProblem('--out', join(work, name));
        const file = outputFileProblem('--svg', join(work, fileName), '.svg', 'sim.svg');
        expect(folder).toMatch(/^--out: ".*" would create a folder .*; give (the|a shorter) /s);
        expect(file).toMatch(/^--svg: ".*" would create a file .*; give (the|a shorter) /s);
        expect(rule(file)).toBe(rule(folder));
      }),
      { numRuns: 200 },
    );
  });

  it('property: a plain new name passes both', () => {
    fc.assert(
      fc.property(plain, name => {
        expect(outputFolderProblem('--out', join(work, name))).toBeUndefined();
        expect(outputFileProblem('--svg', join(work, `${name}.svg`), '.svg', 'sim.svg')).toBe(
          undefined,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('an empty --svg and an unexpanded ~ are refused like an empty --out', () => {
    expect(outputFileProblem('--svg', '', '.svg', 'sim.svg')).toBe(
      '--svg: the path is empty (an unset variable?); give a file, for example sim.svg',
    );
    expect(outputFileProblem('--svg', '~nobody-here/x.svg', '.svg', 'sim.svg')).toMatch(
      /^--svg: ~nobody-here\/x\.svg: the shell did not expand its ~/,
    );
  });

  it('simulate --svg with a line break or a 300-byte name: exit 1, the fix on stderr, no file', () => {
    for (const name of ['chart\n.svg', `${'a'.repeat(300)}.svg`]) {
      const svg = join(work, name);
      const result = spawnSync(
        TSX,
        [
          join(ROOT, 'cli', 'main.ts'),
          'simulate',
          '--synthetic',
          'daily:3',
          '--peak-mibps',
          '800',
          '--days',
          '1',
          '--svg',
          svg,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(result.stderr).toMatch(/^--svg: ".*" would create a file .*; give (the|a shorter) /s);
      expect(result.status).toBe(1);
    }
    expect(readdirSync(work)).toEqual([]);
  });
});

/** `name` with its letter case or its Unicode form changed: a twin on macOS and Windows. */
const twinOf = (name: string, how: 'upper' | 'lower' | 'nfd' | 'first'): string =>
  how === 'upper'
    ? name.toUpperCase()
    : how === 'lower'
      ? name.toLowerCase()
      : how === 'nfd'
        ? name.normalize('NFD')
        : `${name.charAt(0).toUpperCase()}${name.slice(1)}`;

describe('a new output name spelt like an entry beside it but for letter case or Unicode form', () => {
  const work = mkdtempSync(join(tmpdir(), 'output-twins-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('property: refused as a folder (--out, also deeper) and as a file (--svg), naming both and the fix; the same name passes', () => {
    fc.assert(
      fc.property(
        plain,
        fc.constantFrom('upper', 'lower', 'nfd', 'first' as const),
        fc.boolean(),
        (name, how, deeper) => {
          const twin = twinOf(name, how);
          fc.pre(twin !== name);
          const folder = mkdtempSync(join(work, 'twin-'));
          mkdirSync(join(folder, name));
          writeFileSync(join(folder, `${name}.svg`), '<svg/>');
          const out = join(folder, twin, ...(deeper ? ['kafka'] : []));
          expect(outputFolderProblem('--out', out)).toBe(
            `--out: ${JSON.stringify(out)} would create a folder named ${JSON.stringify(twin)} beside ${JSON.stringify(join(folder, name))}, which differs from it only in letter case or Unicode form (macOS and Windows store the two as one name); use the existing spelling ${JSON.stringify(name)} or another name`,
          );
          const svg = join(folder, `${twin}.svg`);
          expect(outputFileProblem('--svg', svg, '.svg', 'sim.svg')).toMatch(
            /^--svg: .* would create a file named .* beside .*; use the existing spelling /,
          );
          // The existing spelling, and anything below it, is the user's folder and passes.
          expect(outputFolderProblem('--out', join(folder, name, 'kafka'))).toBeUndefined();
          expect(outputFileProblem('--svg', join(folder, `${name}.svg`), '.svg', 'sim.svg')).toBe(
            undefined,
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('synth --out clusters/prod/kafka beside the user’s clusters/Prod: exit 1, nothing written', async () => {
    const repo = mkdtempSync(join(work, 'twin-synth-'));
    mkdirSync(join(repo, 'clusters', 'Prod'), { recursive: true });
    let stderr = '';
    await expect(
      runSynth(
        {
          config: join(ROOT, 'stacks', 'dev.yaml'),
          out: join(repo, 'clusters', 'prod', 'kafka'),
          json: false,
        },
        { stdout: () => undefined, stderr: text => (stderr += text) },
      ),
    ).rejects.toThrow(/would create a folder named "prod" beside .*clusters\/Prod"/);
    expect(stderr).toBe('');
    expect(readdirSync(join(repo, 'clusters'))).toEqual(['Prod']);
  });
});
