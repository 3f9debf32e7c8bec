// Builds the `kafka-eks` bin into lib/cli/ (run by `npm run build:bin`, after `tsc` built lib/):
// - kafka-eks-main.js: esbuild's bundle of cli/main.ts (every module the CLI needs, except the
//   packages left external below, which are loaded from node_modules at run time);
// - kafka-eks-chart.js: the SVG chart (simulator/chart.ts) on its own, because it loads Vega with
//   import(), which the code-cached main bundle cannot run (see cli/bin.ts);
// - kafka-eks.js: the executable, cli/bin.ts, which runs the main bundle with V8's code cache;
// - kafka-eks-main.js.cache: that cache, written by one synth of the example spec.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'lib', 'cli');
const EXTERNAL = ['@pulumi/*', '@aws-sdk/*', '@kubernetes/*', 'vega', 'vega-lite', 'prom-client'];
const common = {
  absWorkingDir: ROOT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  logLevel: 'warning',
  external: EXTERNAL,
  define: { 'require.main': 'undefined' },
  // Whitespace and syntax only (names stay, so messages and stack frames keep them): a smaller
  // bundle is faster to read and to check against its code cache.
  minifyWhitespace: true,
  minifySyntax: true,
};

/**
 * Sends the CLI's import of simulator/chart to the separate chart bundle, through a stand-in module
 * that `require`s it: esbuild would keep an `import()` of an external module as `import()`.
 */
const chartApart = {
  name: 'chart-apart',
  setup(esbuild) {
    esbuild.onResolve({ filter: /\/simulator\/chart$/ }, () => ({
      path: 'chart',
      namespace: 'chart-apart',
    }));
    esbuild.onLoad({ filter: /.*/, namespace: 'chart-apart' }, () => ({
      contents: "module.exports = require('./kafka-eks-chart.js');",
      loader: 'js',
    }));
    esbuild.onResolve({ filter: /^\.\/kafka-eks-chart\.js$/ }, args => ({
      path: args.path,
      external: true,
    }));
  },
};

await build({
  ...common,
  entryPoints: ['cli/main.ts'],
  outfile: join(OUT, 'kafka-eks-main.js'),
  plugins: [chartApart],
});
await build({
  ...common,
  entryPoints: ['simulator/chart.ts'],
  outfile: join(OUT, 'kafka-eks-chart.js'),
});
await build({
  ...common,
  entryPoints: ['cli/bin.ts'],
  outfile: join(OUT, 'kafka-eks.js'),
  banner: { js: '#!/usr/bin/env node' },
});

// One synth of the example spec compiles what a synth needs; the bin writes V8's cache at exit.
const scratch = mkdtempSync(join(tmpdir(), 'kafka-eks-code-cache-'));
try {
  const run = spawnSync(
    process.execPath,
    [
      join(OUT, 'kafka-eks.js'),
      'synth',
      '--config',
      join(ROOT, 'stacks', 'prod.yaml'),
      '--out',
      join(scratch, 'dist'),
      '--json',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, KAFKA_EKS_WRITE_CODE_CACHE: join(OUT, 'kafka-eks-main.js.cache') },
    },
  );
  if (run.status !== 0) {
    process.stderr.write(`build-bin: the synth that writes the code cache failed:\n${run.stderr}`);
    process.exit(1);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
