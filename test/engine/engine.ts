/**
 * The real Pulumi CLI in a sandbox: a temporary PULUMI_HOME, a file backend, a copy of the project
 * (source only, `node_modules` linked), and a `bin/` folder that puts the language host on the PATH
 * as `pulumi-language-nodejs`. Nothing is written to the checkout or to `~/.pulumi`.
 *
 * Binaries come from `PULUMI_BIN` and `PULUMI_LANGUAGE_NODEJS_BIN` (set by
 * scripts/engine/test-engine.sh from scripts/engine/build.sh).
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..');

/** The binaries, or `undefined` when test-engine.sh did not provide them (the tier then skips). */
export function engineBinaries(): { pulumi: string; languageHost: string } | undefined {
  const pulumi = process.env['PULUMI_BIN'];
  const languageHost = process.env['PULUMI_LANGUAGE_NODEJS_BIN'];
  if (pulumi === undefined || languageHost === undefined) return undefined;
  return { pulumi, languageHost };
}

/** Top-level entries of the checkout that the program never reads. */
const NOT_COPIED = new Set([
  '.git',
  'node_modules',
  'build',
  'dist',
  'lib',
  'dist-cdk8s',
  '.cdk8s-scratch',
  'coverage',
  '.cache',
  'test',
  'docs',
  'bench',
]);

/** The result of one CLI run. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface EngineSandbox {
  /** The project copy (the folder of its Pulumi.yaml). */
  readonly projectDir: string;
  /** The folder on the CLI's PATH (plugins placed here are found by name). */
  readonly binDir: string;
  /** Runs `pulumi <args>` in `cwd` (default: the project copy) with the sandbox environment. */
  run(
    args: readonly string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv },
  ): Promise<CliResult>;
  /** Removes the sandbox. */
  dispose(): void;
}

/** Passphrase of the sandbox's secrets provider (the file backend's default). */
const PASSPHRASE = 'engine-tier';

/**
 * Creates the sandbox and logs in to its file backend. `copyProject: false` leaves `projectDir`
 * empty, for tests that write their own project. `env` is added to every CLI run of the sandbox
 * (login included), for example `PULUMI_DIY_BACKEND_LEGACY_LAYOUT` for a file backend in the
 * layout of CLIs from before project-scoped DIY stacks (stacks named without their project).
 */
export async function createSandbox(
  binaries: { pulumi: string; languageHost: string },
  options: { copyProject?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<EngineSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'kafka-eks-engine-'));
  const bin = join(root, 'bin');
  const home = join(root, 'pulumi-home');
  const state = join(root, 'state');
  const projectDir = join(root, 'project');
  for (const dir of [bin, home, state, projectDir]) mkdirSync(dir, { recursive: true });
  // The CLI finds the language host on the PATH under its plugin name.
  symlinkSync(binaries.languageHost, join(bin, 'pulumi-language-nodejs'));
  symlinkSync(binaries.pulumi, join(bin, 'pulumi'));
  if (options.copyProject ?? true) {
    for (const entry of readdirSync(REPO_ROOT)) {
      if (NOT_COPIED.has(entry) || /^Pulumi\.(?!yaml$|dev\.yaml$).*\.yaml$/.test(entry)) continue;
      cpSync(join(REPO_ROOT, entry), join(projectDir, entry), { recursive: true });
    }
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(projectDir, 'node_modules'), 'dir');
  }
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    HOME: process.env['HOME'] ?? root,
    PULUMI_HOME: home,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_SKIP_CONFIRMATIONS: 'true',
    NO_COLOR: '1',
    // No ambient cloud credentials or backend can leak in.
    AWS_PROFILE: '',
    PULUMI_ACCESS_TOKEN: '',
    ...options.env,
  };
  const run = (
    args: readonly string[],
    runOptions: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): Promise<CliResult> =>
    new Promise((resolveRun, reject) => {
      const child = spawn(binaries.pulumi, [...args], {
        cwd: runOptions.cwd ?? projectDir,
        env: { ...baseEnv, ...runOptions.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', code => resolveRun({ code, stdout, stderr }));
    });
  const login = await run(['login', `file://${state}`]);
  if (login.code !== 0) throw new Error(`pulumi login failed: ${login.stderr}`);
  return {
    projectDir,
    binDir: bin,
    run,
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs a CLI command and throws with its output when it fails. */
export async function mustRun(
  sandbox: EngineSandbox,
  args: readonly string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  const result = await sandbox.run(args, options);
  if (result.code !== 0) {
    throw new Error(
      `pulumi ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result;
}

/** One engine event of `pulumi preview --json` with PULUMI_ENABLE_STREAMING_JSON_PREVIEW. */
export interface EngineEvent {
  readonly sequence: number;
  readonly diagnosticEvent?: {
    readonly urn?: string;
    readonly message: string;
    readonly severity: string;
  };
  readonly summaryEvent?: { readonly result?: string };
}

/** Parses the streamed JSON events (one per line). */
export function parseEvents(stdout: string): EngineEvent[] {
  return stdout
    .split('\n')
    .filter(line => line.trim().startsWith('{'))
    .map(line => JSON.parse(line) as EngineEvent);
}

/** A registration the engine's resource monitor received from the program. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Parent URN, `''` for the stack itself. */
  readonly parent: string;
}

/**
 * Every `ResourceMonitor.RegisterResource received` line of the engine's log (`--logtostderr
 * -v=5`): what the program sent, whether or not the engine got as far as a step for it.
 */
export function parseRegistrations(stderr: string): Registration[] {
  const pattern =
    /ResourceMonitor\.RegisterResource received: t=([^,]+), name=([^,]+), custom=(true|false), #props=\d+, parent=([^,]*),/g;
  return Array.from(stderr.matchAll(pattern), match => ({
    type: match[1] ?? '',
    name: match[2] ?? '',
    custom: match[3] === 'true',
    parent: match[4] ?? '',
  }));
}

/**
 * The file the engine runs in a project folder: `main` of its `Pulumi.yaml` (the project's root
 * `index.ts`, which re-exports `stacks/index.ts`). Tests that put a stand-in program in place of
 * the real one write it here, so the stand-in is what the engine runs whatever `main` re-exports.
 */
export function programEntry(projectDir: string): string {
  const project = parse(readFileSync(join(projectDir, 'Pulumi.yaml'), 'utf8')) as {
    main?: unknown;
  };
  if (typeof project.main !== 'string' || !project.main.endsWith('.ts')) {
    throw new Error(
      `${projectDir}/Pulumi.yaml: main must name a .ts file, got ${String(project.main)}`,
    );
  }
  return join(projectDir, project.main);
}

/** The version of an npm package as installed (for the provider version in error messages). */
export function installedVersion(packageName: string): string {
  const file = join(REPO_ROOT, 'node_modules', ...packageName.split('/'), 'package.json');
  if (!existsSync(file)) throw new Error(`${packageName} is not installed (npm ci)`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
