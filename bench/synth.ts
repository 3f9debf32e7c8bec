/** In-process synth time for the prod example and a 6-zone, 72-broker, 500-topic spec. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthPlatform } from '../charts/synth';
import { loadSpecFile, parseSpec } from '../spec/load';
import { DEFAULT_SPEC_FILE } from '../stacks/defaults';
import { medianMs, type BenchResult } from './types';

export function largeSpec(): unknown {
  return {
    name: 'large',
    region: 'us-east-1',
    zones: ['a', 'b', 'c', 'd', 'e', 'f'].map(letter => `us-east-1${letter}`),
    kafka: {
      brokers: 72,
      topics: Array.from({ length: 500 }, (_, i) => ({ name: `topic-${i}`, partitions: 24 })),
      external: { enabled: true, allowedCidrs: ['10.0.0.0/8'] },
    },
    nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 2, maxPerZone: 12 } },
  };
}

/**
 * Wall time of what `npm run synth` runs (`node --import tsx cli/main.ts synth`: tsx's loader
 * start-up, module loading, writing files), without npm itself.
 */
function processWallMs(): number {
  const out = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const start = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(__dirname, '..', 'cli', 'main.ts'),
      'synth',
      '--out',
      join(out, 'dist'),
    ],
    { cwd: join(__dirname, '..'), encoding: 'utf8' },
  );
  const elapsed = performance.now() - start;
  rmSync(out, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`synth failed: ${result.stderr}`);
  return elapsed;
}

const ROOT = join(__dirname, '..');
const COMPILED_CLI = join(ROOT, 'lib', 'cli', 'kafka-eks.js');
/** The bundle the bin runs, run directly: the same code without V8's code cache (cli/bin.ts). */
const COMPILED_BUNDLE = join(ROOT, 'lib', 'cli', 'kafka-eks-main.js');
const LOAD_ONLY = "require('cdk8s');require('cdk8s-plus-27');require('yaml');require('zod')";

/** Wall time of one node process with `args`, in ms; throws when it fails. */
function nodeWallMs(args: readonly string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

/**
 * The compiled `kafka-eks synth` of the prod example as a whole process (no TypeScript loader)
 * against a process that only loads cdk8s, cdk8s-plus, yaml and zod, measured alternately in the
 * same run (medians of 9); the goal is a ratio within 1.5 (issue #13). The same bundle run directly
 * (without its V8 code cache, see cli/bin.ts) is measured alongside. Builds `lib/` first
 * (`npm run build:lib`).
 */
function compiledCliVersusLoad(): { cliMs: number; uncachedMs: number; loadMs: number } {
  const build = spawnSync('npm', ['run', '--silent', 'build:lib'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0)
    throw new Error(`npm run build:lib failed: ${build.stdout}${build.stderr}`);
  const out = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const cli: number[] = [];
  const uncached: number[] = [];
  const load: number[] = [];
  try {
    // Let the build's writes reach the disk first, so they do not compete with the measured runs.
    spawnSync('sync');
    // Warm the file cache for all three; the CLI's warm-up also writes the folder that every
    // measured run then writes again (a re-run into the previous output, as in a GitOps folder).
    nodeWallMs(['-e', LOAD_ONLY]);
    nodeWallMs([COMPILED_CLI, 'synth', '--out', join(out, 'dist')]);
    nodeWallMs([COMPILED_BUNDLE, 'synth', '--out', join(out, 'dist')]);
    for (let i = 0; i < 9; i++) {
      load.push(nodeWallMs(['-e', LOAD_ONLY]));
      cli.push(nodeWallMs([COMPILED_CLI, 'synth', '--out', join(out, 'dist')]));
      uncached.push(nodeWallMs([COMPILED_BUNDLE, 'synth', '--out', join(out, 'dist')]));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[values.length >> 1]!;
  return { cliMs: median(cli), uncachedMs: median(uncached), loadMs: median(load) };
}

export async function run(): Promise<BenchResult[]> {
  const wall = [processWallMs(), processWallMs(), processWallMs()].sort((a, b) => a - b)[1]!;
  const compiled = compiledCliVersusLoad();
  const prod = await medianMs(() => synthPlatform(loadSpecFile(DEFAULT_SPEC_FILE)), 10);
  const large = await medianMs(() => synthPlatform(parseSpec(largeSpec())), 5);
  return [
    { name: 'npm run synth (prod example), process wall time', value: wall, unit: 'ms' },
    {
      name: 'kafka-eks synth (compiled, prod example), process wall time',
      value: compiled.cliMs,
      unit: 'ms',
    },
    {
      name: 'kafka-eks synth without the code cache (bundle run directly)',
      value: compiled.uncachedMs,
      unit: 'ms',
    },
    { name: 'node: load cdk8s, cdk8s-plus, yaml, zod only', value: compiled.loadMs, unit: 'ms' },
    {
      name: 'kafka-eks synth wall time / load-only wall time',
      value: compiled.cliMs / compiled.loadMs,
      unit: 'x',
      target: '<= 1.5',
    },
    {
      name: 'the same without the code cache / load-only wall time',
      value: compiled.uncachedMs / compiled.loadMs,
      unit: 'x',
    },
    {
      name: 'synth prod example, first run',
      value: prod.firstMs,
      unit: 'ms',
      target: '< 1000',
    },
    { name: 'synth prod example, median', value: prod.medianMs, unit: 'ms', target: '< 1000' },
    {
      name: 'synth 6 zones x 72 brokers x 500 topics, first run',
      value: large.firstMs,
      unit: 'ms',
      target: '< 3000',
    },
    {
      name: 'synth 6 zones x 72 brokers x 500 topics, median',
      value: large.medianMs,
      unit: 'ms',
      target: '< 3000',
    },
  ];
}
