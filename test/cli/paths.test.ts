/**
 * `outputFolderProblem` (cli/paths.ts) over path shapes: a folder the path would create is refused
 * exactly when its name holds a control character or starts or ends with white space (a stray
 * quote, a pasted line break), and an empty path is refused; an existing folder of any name is the
 * user's choice and passes. The message names the option and the value and says what to do.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  inputFileProblem,
  outputFileProblem,
  outputFilePath,
  outputFolderProblem,
} from '../../cli/paths';

const hasControl = (name: string): boolean =>
  [...name].some(c => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
const tooLong = (name: string): boolean => Buffer.byteLength(name) > 255;
const isOdd = (name: string): boolean => name !== name.trim() || hasControl(name) || tooLong(name);

/** Folder names: plain ones and the shapes a typo or a paste leaves. */
const folderName = fc.oneof(
  fc.constantFrom('dist', 'gitops', 'clusters', 'prod', 'a b', 'ü ñ', 'k8s-1.0', 'x_y'),
  fc.constantFrom(' dist', 'dist ', ' ', '\t', 'di\nst', 'dist\r', 'a\u001bb', 'x\u007f', '  '),
  // At and past the 255 bytes a file system takes for one name.
  fc.constantFrom('a'.repeat(255), 'ü'.repeat(127), 'a'.repeat(256), 'ü'.repeat(128)),
);

describe('outputFolderProblem: names of folders it would create', () => {
  const work = mkdtempSync(join(tmpdir(), 'paths-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses an empty path, naming the option and the fix', () => {
    expect(outputFolderProblem('--out', '')).toBe(
      '--out: the path is empty (an unset variable?); give a folder, for example dist',
    );
  });

  it('property: refused exactly when a folder to be created has an odd name; existing ones pass', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(folderName, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (names, existingDepth) => {
          // GIVEN a base folder in which the first `existing` names already exist
          const base = join(work, `case-${run++}`);
          // (a name too long for the file system cannot exist: only the names before it can)
          const fits = names.findIndex(tooLong);
          const existing = Math.min(
            existingDepth % (names.length + 1),
            fits === -1 ? names.length : fits,
          );
          mkdirSync(join(base, ...names.slice(0, existing)), { recursive: true });
          const dir = join(base, ...names);
          // WHEN the path is checked
          const problem = outputFolderProblem('--out', dir);
          // THEN only the names still to be created count
          const firstOdd = names.slice(existing).find(isOdd);
          if (firstOdd === undefined) {
            expect(problem).toBeUndefined();
          } else {
            const reason = hasControl(firstOdd)
              ? `named ${JSON.stringify(firstOdd)}, with a control character (a line break, a tab) in it; give the path without it`
              : tooLong(firstOdd)
                ? `whose name is ${Buffer.byteLength(firstOdd)} bytes long, more than the 255 a file system takes for one name; give a shorter name`
                : `named ${JSON.stringify(firstOdd)}, which starts or ends with white space (a stray quote or space?); give the name without it`;
            expect(problem).toBe(`--out: ${JSON.stringify(dir)} would create a folder ${reason}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('paths with a ~ no shell expanded', () => {
  const work = mkdtempSync(join(tmpdir(), 'paths-tilde-'));
  const cwd = process.cwd();
  beforeEach(() => process.chdir(work));
  afterEach(() => process.chdir(cwd));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const hint =
    'the shell did not expand its ~ (it was quoted, or no shell ran), so it means a folder named ~ here: write $HOME/ or an absolute path instead';

  it('property: a leading ~ or ~user is named with the fix; ~ elsewhere is a plain name', () => {
    const rest = fc.constantFrom('', '/gitops', '/a b/platform', '/x');
    fc.assert(
      fc.property(
        fc.constantFrom('~', '~alice', '~root'),
        rest,
        fc.constantFrom('a~b', 'x/~', 'dist~'),
        (tilde, tail, plain) => {
          expect(outputFolderProblem('--out', `${tilde}${tail}`)).toBe(
            `--out: ${tilde}${tail}: ${hint}`,
          );
          expect(
            inputFileProblem('--config', `${tilde}${tail}/spec.yaml`, 'stacks/prod.yaml'),
          ).toBe(
            `--config: ${tilde}${tail}/spec.yaml does not exist; ${hint}, or give the path of an existing file, for example stacks/prod.yaml`,
          );
          expect(outputFolderProblem('--out', plain)).toBeUndefined();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('takes a folder really named ~ that already exists as meant', () => {
    mkdirSync(join(work, '~'));
    expect(outputFolderProblem('--out', '~/gitops')).toBeUndefined();
  });
});

describe('inputFileProblem: the example it suggests', () => {
  it('suggests the example for a missing file elsewhere', () => {
    expect(inputFileProblem('--kubeconfig', '/nowhere/kubeconfig', '~/.kube/config')).toBe(
      '--kubeconfig: /nowhere/kubeconfig does not exist; give the path of an existing file, for example ~/.kube/config',
    );
  });

  it('leaves the example out when it is the missing file (`--kubeconfig ~/.kube/config`, expanded by the shell)', () => {
    // GIVEN a documented example under the home folder that does not exist there
    const example = '~/.kafka-eks-paths-test/config';
    const expanded = join(homedir(), '.kafka-eks-paths-test', 'config');
    // WHEN the user gives that path (the shell expands the ~), or the same path unexpanded
    // THEN the fix does not send them back to the file that is missing
    expect(inputFileProblem('--kubeconfig', expanded, example)).toBe(
      `--kubeconfig: ${expanded} does not exist; give the path of an existing file`,
    );
    expect(inputFileProblem('--config', 'stacks/nope/prod.yaml', 'stacks/nope/prod.yaml')).toBe(
      '--config: stacks/nope/prod.yaml does not exist; give the path of an existing file',
    );
  });
});

describe('outputFileProblem judges the file outputFilePath names for the writer', () => {
  const work = mkdtempSync(join(tmpdir(), 'paths-file-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const hooks = join(work, 'repo', '.git', 'hooks', 'sub');
  mkdirSync(hooks, { recursive: true });
  symlinkSync(hooks, join(work, 'link'));

  it('reads `link/..` as path.resolve does, for the check and the write alike', () => {
    // (strings, not join: join would read the `..` away before the call)
    const typed = `${work}/link/../chart.svg`;
    expect(outputFilePath(typed)).toBe(join(work, 'chart.svg'));
    expect(outputFileProblem('--svg', typed, '.svg', 'sim.svg')).toBeUndefined();
  });

  it('still refuses a path that does lead into .git through the link', () => {
    expect(outputFilePath(`${work}/link/chart.svg`)).toBe(`${work}/link/chart.svg`);
    expect(outputFileProblem('--svg', `${work}/link/chart.svg`, '.svg', 'sim.svg')).toMatch(
      /^--svg: ".*\/link\/chart\.svg" is inside a git repository's \.git folder/,
    );
  });
});
