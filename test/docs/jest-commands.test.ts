/**
 * Every jest command the documentation gives (`npx jest <paths>`, `npx jest -c <config> <paths>`,
 * `npm test -- <paths>`, `npm run test:slow -- <paths>`) runs what the text says it runs:
 * - real jest (`--listTests`) finds at least one test file for it with the config it uses, since a
 *   command that finds none exits 1 with "No tests found";
 * - a fast-tier command (jest.config.js) on a folder or file that holds slow-tier files (the list in
 *   jest.tiers.js, which jest.config.js leaves out) is given beside a slow-tier command that runs
 *   them, in the same document. Docs walk s34-c: docs/controller.md ("Running") gave
 *   `npx jest test/controller` for the "unit, property, crash, fault and event-storm tests", and
 *   docs/simulator.md said the chaos property and long sweeps pass with it, but the event-storm,
 *   chaos and fault-review-5 files are in the slow tier, so that command ran none of them.
 */
import { spawnSync } from 'node:child_process';
import { join, normalize } from 'node:path';
import { documentedShellCommands, type DocumentedShellCommand } from '../util/documented-commands';
import { REPO_ROOT } from '../util/documented-pulumi';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SLOW_TESTS } = require('../../jest.tiers') as { SLOW_TESTS: readonly string[] };

const FAST_CONFIG = 'jest.config.js';
const SLOW_CONFIG = 'jest.slow.config.js';

/** Options of jest that take a value (the value is not a path). */
const VALUE_OPTIONS = new Set(['-c', '--config', '-t', '--testNamePattern', '--maxWorkers']);

/** One documented jest run: the config it uses and the paths it names. */
interface JestRun {
  readonly command: DocumentedShellCommand;
  readonly config: string;
  readonly paths: readonly string[];
}

/** The jest run of a documented command, or undefined for a command that does not run jest. */
function jestRunOf(command: DocumentedShellCommand): JestRun | undefined {
  const words = command.words;
  let args: readonly string[];
  let config = FAST_CONFIG;
  if (words[0] === 'npx' && words[1] === 'jest') args = words.slice(2);
  else if (words[0] === 'npm' && words[1] === 'test' && words[2] === '--') args = words.slice(3);
  else if (words[0] === 'npm' && words[1] === 'run' && words[2] === 'test:slow') {
    if (words[3] !== '--') return undefined;
    args = words.slice(4);
    config = SLOW_CONFIG;
  } else return undefined;
  const paths: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const word = args[index]!;
    if (word === '-c' || word === '--config') config = args[++index] ?? config;
    else if (VALUE_OPTIONS.has(word)) index++;
    else if (!word.startsWith('-')) paths.push(normalize(word).replace(/\/$/, ''));
  }
  return { command, config, paths };
}

/** The test files real jest runs for `run` (`jest --listTests`), relative to the repository. */
function listedTests(run: JestRun): string[] {
  const result = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--listTests',
      '--json',
      '-c',
      run.config,
      ...run.paths,
    ],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.status !== 0) return [];
  return (JSON.parse(result.stdout) as string[]).map(file => file.slice(REPO_ROOT.length + 1));
}

/** Whether the path `under` (a folder or a file) holds `file`. */
function holds(under: string, file: string): boolean {
  return file === under || file.startsWith(`${under}/`);
}

/**
 * The slow-tier files a fast-tier run names but leaves out, that no slow-tier run of the same
 * document runs.
 */
function slowFilesLeftOut(run: JestRun, runs: readonly JestRun[]): string[] {
  if (run.config !== FAST_CONFIG) return [];
  const slowRuns = runs.filter(
    other => other.command.file === run.command.file && other.config === SLOW_CONFIG,
  );
  return SLOW_TESTS.filter(
    file =>
      run.paths.some(path => holds(path, file)) &&
      !slowRuns.some(slow => slow.paths.some(path => holds(path, file))),
  );
}

/** The documented jest runs that name paths (`npx jest` alone, a mention, names nothing to check). */
const RUNS = documentedShellCommands().flatMap(command => {
  const run = jestRunOf(command);
  return run !== undefined && run.paths.length > 0 ? [run] : [];
});

describe('documented jest commands', () => {
  it('finds the documented jest commands (controller.md "Running" among them)', () => {
    expect(RUNS.map(run => `${run.command.file}: ${run.paths.join(' ')}`)).toEqual(
      expect.arrayContaining(['docs/controller.md: test/controller']),
    );
  });

  it.each(
    RUNS.map(run => [
      `${run.command.words.join(' ')} (${run.command.file}:${run.command.line})`,
      run,
    ]),
  )(
    '%s finds test files with its config, and its slow-tier files have a command too',
    (_text, run) => {
      const config = (run as JestRun).config;
      expect([FAST_CONFIG, SLOW_CONFIG]).toContain(config);
      expect(listedTests(run as JestRun)).not.toEqual([]);
      const leftOut = slowFilesLeftOut(run as JestRun, RUNS);
      if (leftOut.length > 0) {
        throw new Error(
          `${(run as JestRun).command.words.join(' ')} (${(run as JestRun).command.file}:` +
            `${(run as JestRun).command.line}) runs the fast tier, which leaves out ` +
            `${leftOut.join(', ')} (jest.tiers.js); give \`npx jest -c ${SLOW_CONFIG} ` +
            `${(run as JestRun).paths.join(' ')}\` beside it for those`,
        );
      }
    },
  );

  it('holds a fast-tier command on a folder with slow-tier files to a slow-tier one', () => {
    const command = (line: number, words: string[]): DocumentedShellCommand => ({
      file: 'doc.md',
      line,
      env: [],
      envValues: {},
      redirects: [],
      words,
      inBlock: false,
    });
    const fast = jestRunOf(command(1, ['npx', 'jest', 'test/controller/']))!;
    const slow = jestRunOf(command(2, ['npx', 'jest', '-c', SLOW_CONFIG, 'test/controller']))!;
    expect(fast.paths).toEqual(['test/controller']);
    expect(slowFilesLeftOut(fast, [fast])).toContain('test/controller/event-storm.test.ts');
    expect(slowFilesLeftOut(fast, [fast, slow])).toEqual([]);
    expect(jestRunOf(command(3, ['npm', 'run', 'test:slow', '--', 'test/cli']))?.config).toBe(
      SLOW_CONFIG,
    );
    expect(jestRunOf(command(4, ['npx', 'tsc']))).toBeUndefined();
  });
});
