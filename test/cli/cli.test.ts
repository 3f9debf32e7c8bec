/** The kafka-eks CLI, run in-process with captured output. */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliInputError } from '../../cli/errors';
import { PRICE_FLAG_FIELDS } from '../../cli/price-flags';
import { createProgram, runCli } from '../../cli/program';
import { checkSimulateOptions } from '../../cli/simulate-options';
import { PRICE_FIELDS } from '../../simulator/cost';
import { EXAMPLES_DIR } from '../util/specs';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  // Commands write through the io given to runCli; the process streams are captured too, in case.
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout += String(chunk);
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(chunk => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await runCli(args, {
      stdout: text => {
        stdout += text;
      },
      stderr: text => {
        stderr += text;
      },
    });
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const SUBCOMMANDS = ['synth', 'plan', 'simulate', 'plan-capacity', 'cost', 'status'];
/** Subcommands that read a spec file (`--config`). */
const SPEC_COMMANDS = SUBCOMMANDS.filter(command => command !== 'status');
let scratch: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'kafka-eks-cli-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

// Exit codes of the bare program: help asked for is success, a missing subcommand is a usage error.
describe('kafka-eks with no subcommand', () => {
  it('prints the usage to stderr and exits 1 (usage error)', async () => {
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: kafka-eks');
  });

  it.each([['--help'], ['-h'], ['help']])('exits 0 when help is asked for (%s)', async flag => {
    const result = await run(flag);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: kafka-eks');
  });
});

describe('help', () => {
  it.each([[], ...SUBCOMMANDS.map(command => [command])])(
    '-h and --help print usage for %s with exit 0',
    async (...command: string[]) => {
      for (const flag of ['-h', '--help']) {
        const result = await run(...command, flag);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain(
          `Usage: kafka-eks${command.length > 0 ? ` ${command[0]}` : ''}`,
        );
        expect(result.stdout).toContain('Exit codes:');
        expect(result.stderr).toBe('');
      }
    },
  );

  it('describes every option of every command, and shows the defaults', () => {
    const program = createProgram(
      { stdout: () => undefined, stderr: () => undefined },
      { code: 0 },
    );
    expect(program.commands.map(command => command.name()).sort()).toEqual(
      [...SUBCOMMANDS, 'help'].filter(name => name !== 'help').sort(),
    );
    for (const command of program.commands) {
      expect(command.description().length).toBeGreaterThan(20);
      if (command.name() === 'status') continue; // reads a cluster, not a spec
      for (const option of command.options) {
        expect(`${command.name()} ${option.long}: ${option.description}`).toMatch(/: \S.{9,}/);
      }
      expect(command.helpInformation()).toMatch(/--config <file>[\s\S]*\(default:\s+the\s+bundled/);
    }
    const synthHelp = program.commands
      .find(command => command.name() === 'synth')
      ?.helpInformation();
    expect(synthHelp).toContain('(default: "dist")');
    const simulateHelp = program.commands
      .find(command => command.name() === 'simulate')
      ?.helpInformation();
    expect(simulateHelp).toMatch(/--node-ready-seconds <s>[\s\S]*\(default:\s+120\)/);
  });
});

describe('bad input', () => {
  it('suggests the flag meant by a typo and exits 1', async () => {
    const result = await run('synth', '--confg', 'x.yaml');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown option '--confg'");
    expect(result.stderr).toContain('Did you mean --config?');
    expect(result.stdout).toBe('');
  });

  it('suggests the command meant by a typo', async () => {
    const result = await run('plan-capcity');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Did you mean plan-capacity?');
  });

  it.each(SPEC_COMMANDS)('%s: a missing spec file names --config and the path', async command => {
    const missing = join(scratch, 'no-such-spec.yaml');
    const out = join(scratch, 'out');
    const extra = command === 'synth' ? ['--out', out] : [];
    const result = await run(command, '--config', missing, ...extra);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--config: ${missing} does not exist`);
    expect(result.stderr).not.toMatch(/ENOENT/);
    expect(existsSync(out)).toBe(false);
  });

  it('synth: a spec folder instead of a file is named as such', async () => {
    const result = await run('synth', '--config', scratch, '--out', join(scratch, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--config: ${scratch} is not a file`);
  });

  it('synth: an --out that is a regular file is refused and left as it was', async () => {
    const file = join(scratch, 'notes.txt');
    writeFileSync(file, 'my notes\n');
    const result = await run('synth', '--out', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--out: ${file} is a file, not a folder`);
    expect(result.stderr).not.toMatch(/ENOTDIR|EEXIST/);
    expect(readFileSync(file, 'utf8')).toBe('my notes\n');
  });

  it('synth: an --out below a regular file is refused', async () => {
    const file = join(scratch, 'notes.txt');
    writeFileSync(file, 'my notes\n');
    const result = await run('synth', '--out', join(file, 'dist'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`because ${file} is a file`);
  });

  /**
   * Makes `folder` unwritable for this process: chmod for an ordinary user; as root (who may write
   * anywhere, and CI runs as root) `accessSync` is made to refuse it as the kernel would.
   */
  function denyWrites(folder: string): () => void {
    chmodSync(folder, 0o555);
    if (process.getuid?.() !== 0) return () => chmodSync(folder, 0o755);
    // The module object itself (an `import * as` namespace is read-only): what cli/paths.ts calls.
    const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
    const real = fs.accessSync;
    const spy = jest.spyOn(fs, 'accessSync').mockImplementation((path, mode) => {
      if (path === folder && mode !== undefined && (mode & fs.constants.W_OK) !== 0) {
        throw Object.assign(new Error(`EACCES: permission denied, access '${folder}'`), {
          code: 'EACCES',
        });
      }
      real(path, mode);
    });
    return () => {
      spy.mockRestore();
      chmodSync(folder, 0o755);
    };
  }

  it.each([
    ['an existing --out folder', (ro: string) => ro],
    ['the folder a new --out would be created in', (ro: string) => join(ro, 'dist')],
  ])('synth: %s that is not writable is named, exit 1, nothing written', async (_, outOf) => {
    const ro = join(scratch, 'read-only');
    mkdirSync(ro);
    const restore = denyWrites(ro);
    try {
      const out = outOf(ro);
      const result = await run('synth', '--out', out);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`--out: ${out} cannot be written: ${ro} is not writable`);
      expect(result.stderr).not.toMatch(/EACCES/);
    } finally {
      restore();
    }
    expect(readdirSync(ro)).toEqual([]);
  });

  it('simulate: an --svg in an unwritable folder or in .git is named, exit 1', async () => {
    const ro = join(scratch, 'read-only');
    mkdirSync(ro);
    mkdirSync(join(scratch, 'repo', '.git'), { recursive: true });
    const restore = denyWrites(ro);
    try {
      const load = ['--synthetic', 'daily:3', '--peak-mibps', '100', '--days', '1'];
      const unwritable = await run('simulate', ...load, '--svg', join(ro, 'sim.svg'));
      expect(unwritable.code).toBe(1);
      expect(unwritable.stderr).toContain(`${ro} is not writable`);
      const inGit = join(scratch, 'repo', '.git', 'sim.svg');
      const git = await run('simulate', ...load, '--svg', inGit);
      expect(git.code).toBe(1);
      expect(git.stderr).toContain(`--svg: "${inGit}" is inside a git repository's .git folder`);
    } finally {
      restore();
    }
    expect(readdirSync(ro)).toEqual([]);
    expect(readdirSync(join(scratch, 'repo', '.git'))).toEqual([]);
  });

  it('an invalid spec prints every problem and exits 1', async () => {
    const spec = join(scratch, 'bad.yaml');
    writeFileSync(
      spec,
      readFileSync(join(EXAMPLES_DIR, 'prod.yaml'), 'utf8').replace(
        /^name: .*$/m,
        'name: Bad_Name',
      ),
    );
    const result = await run('synth', '--config', spec, '--out', join(scratch, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/name/);
    expect(result.stderr).toContain('Nothing was written.');
    expect(existsSync(join(scratch, 'out'))).toBe(false);
  });
});

describe('status', () => {
  it('names a missing kubeconfig instead of failing inside the client', async () => {
    const missing = join(scratch, 'kubeconfig');
    const result = await run('status', '--kubeconfig', missing);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`--kubeconfig: ${missing} does not exist`);
  });

  it('asks for --kubeconfig when it is left out and neither $KUBECONFIG nor ~/.kube/config exists', async () => {
    const saved = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG };
    process.env.HOME = scratch;
    delete process.env.KUBECONFIG;
    try {
      const result = await run('status');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        '--kubeconfig: not given, and the kubeconfig from ~/.kube/config (no $KUBECONFIG set) cannot be read',
      );
      expect(result.stderr).toContain("give your cluster's kubeconfig with --kubeconfig <file>");
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('--json prints only JSON on stdout', () => {
  it('synth --json', async () => {
    const out = join(scratch, 'out');
    const result = await run('synth', '--out', out, '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      components: { name: string; objects: number }[];
    };
    expect(summary.components.map(component => component.name)).toContain('kafka');
    expect(existsSync(join(out, 'kustomization.yaml'))).toBe(true);
  });

  it('plan --json parses as a list of resources', async () => {
    const result = await run('plan', '--json');
    expect(result.code).toBe(0);
    const resources = JSON.parse(result.stdout) as { type: string; name: string }[];
    expect(resources.length).toBeGreaterThan(10);
    expect(resources.some(resource => resource.type === 'eks:index:Cluster')).toBe(true);
  }, 120_000);

  it('plan-capacity --json parses', async () => {
    const result = await run(
      'plan-capacity',
      '--peak-mibps',
      '400',
      '--trough-mibps',
      '100',
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveProperty('options');
  });
});

describe('simulate options', () => {
  it('checks every option commander offers', () => {
    const program = createProgram(
      { stdout: () => undefined, stderr: () => undefined },
      { code: 0 },
    );
    const simulate = program.commands.find(command => command.name() === 'simulate');
    const keys = simulate?.options.map(option => option.attributeName()) ?? [];
    expect(keys.length).toBeGreaterThan(10);
    // Each value option, given a bad value, is named in the problems.
    const flags = ['json', 'flashSpike', 'sweep', 'bounds', 'config', 'trace', 'synthetic'];
    const bad = Object.fromEntries(
      keys.filter(key => !flags.includes(key)).map(key => [key, 'bad']),
    );
    let problems: readonly string[] = [];
    try {
      checkSimulateOptions({ config: 'stacks/prod.yaml', synthetic: 'daily:3', ...bad });
    } catch (error) {
      problems = (error as CliInputError).problems;
    }
    for (const option of simulate?.options ?? []) {
      if (flags.includes(option.attributeName())) continue;
      expect(problems.some(problem => problem.startsWith(`${option.long}: `))).toBe(true);
    }
  });

  it('returns the typed options for good input', () => {
    expect(
      checkSimulateOptions({
        config: 'stacks/prod.yaml',
        synthetic: 'daily:3',
        peakMibps: '400',
        days: '2',
        json: true,
        flashSpike: true,
        noise: '0',
      }),
    ).toMatchObject({
      configFile: 'stacks/prod.yaml',
      load: { kind: 'synthetic', peakToTroughRatio: 3 },
      peakMiBps: 400,
      days: 2,
      json: true,
      flashSpike: true,
      noiseShare: 0,
      seed: 1,
      sweep: false,
    });
  });

  it('rejects --bounds with --sweep, naming both', () => {
    expect(() =>
      checkSimulateOptions({
        config: 'stacks/prod.yaml',
        synthetic: 'daily:3',
        peakMibps: '400',
        bounds: true,
        sweep: true,
      }),
    ).toThrow(/--bounds: applies to one comparison, not to --sweep/);
    expect(
      checkSimulateOptions({
        config: 'stacks/prod.yaml',
        synthetic: 'daily:3',
        peakMibps: '400',
        bounds: true,
      }),
    ).toMatchObject({ bounds: true, sweep: false });
  });

  it('reports the value problems with exit 1', async () => {
    const result = await run('simulate', '--synthetic', 'daily:3');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--peak-mibps: is required');
  });
});

describe('cost options', () => {
  it('has a flag for every price of the cost model', () => {
    expect([...PRICE_FLAG_FIELDS].sort()).toEqual([...PRICE_FIELDS].sort());
  });

  it('names every bad price at once', async () => {
    const result = await run('cost', '--nlb-per-hour', 'x', '--eks-per-hour=-1');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--nlb-per-hour: "x" is not a price');
    expect(result.stderr).toContain('--eks-per-hour: "-1" is not a price');
    expect(result.stdout).toBe('');
  });

  it('uses a price given on the command line', async () => {
    const result = await run('cost', '--nlb-per-hour', '1.5', '--json');
    expect(result.code).toBe(0);
    expect(
      (JSON.parse(result.stdout) as { prices: { nlbPerHour: number } }).prices.nlbPerHour,
    ).toBe(1.5);
  });
});
