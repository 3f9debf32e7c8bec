/**
 * The `kafka-eks` executable of the built package (`lib/cli/kafka-eks.js`): runs the bundled CLI
 * (`kafka-eks-main.js`, esbuild's bundle of `cli/main.ts`) with V8's code cache for it
 * (`kafka-eks-main.js.cache`, written by the build from one synth of the example spec; see
 * `cli/code-cache.ts` and `scripts/build-bin.mjs`).
 *
 * Environment: `KAFKA_EKS_WRITE_CODE_CACHE=<file>` (build only) writes the cache at exit;
 * `KAFKA_EKS_DEBUG_CODE_CACHE=1` prints `code cache: used|rejected|none` to stderr.
 */
import { join } from 'node:path';
import { runCachedBundle } from './code-cache';

const bundle = join(__dirname, 'kafka-eks-main.js');
const use = runCachedBundle(bundle, `${bundle}.cache`, process.env.KAFKA_EKS_WRITE_CODE_CACHE);
if (process.env.KAFKA_EKS_DEBUG_CODE_CACHE === '1') process.stderr.write(`code cache: ${use}\n`);
