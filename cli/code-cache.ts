/**
 * Runs a CommonJS bundle with V8's code cache for it, so a run skips most of the parsing and
 * compiling of the bundle. Used by the built bin (`cli/bin.ts`).
 *
 * Node 20 has no `module.enableCompileCache()` (it came in Node 22.1), so this does by hand what
 * that does: compile the bundle as a CommonJS function with `vm.Script` and `cachedData`. V8
 * rejects a cache made by another V8 version, with other flags or for another source
 * (`script.cachedDataRejected`), and then compiles as usual: the cache only ever saves time, and a
 * missing, stale or corrupt one changes nothing but speed.
 *
 * A script compiled this way cannot run `import()` (Node 20 needs `--experimental-vm-modules` for
 * that), so the bundle must hold none (`scripts/build-bin.mjs` keeps the one module that imports
 * ES modules, the SVG chart, in a bundle of its own, loaded with `require`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomically } from '../simulator/write-file';

/** What happened to the code cache in {@link runCachedBundle}. */
export type CodeCacheUse = 'none' | 'used' | 'rejected';

/**
 * Runs `bundleFile` as a CommonJS module, with the code cache in `cacheFile` when there is one.
 * The bundle sees what it would under `require`: its own `require` (resolving next to the bundle),
 * `module`, `exports`, `__filename`, `__dirname`. A `#!` first line is dropped.
 * @param writeCacheTo when set, the file the cache is written to at process exit: the code of
 *   every function the run compiled (the build does this once; nothing else writes it), replaced
 *   whole (`writeFileAtomically`: a killed build leaves the previous cache, or none).
 * @returns whether the cache was used; throws whatever the bundle throws while it loads.
 */
export function runCachedBundle(
  bundleFile: string,
  cacheFile: string,
  writeCacheTo?: string,
): CodeCacheUse {
  const source = readFileSync(bundleFile, 'utf8').replace(/^#!.*/, '');
  const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: bundleFile, cachedData },
  );
  if (writeCacheTo !== undefined && writeCacheTo !== '') {
    // Whole or not at all (simulator/write-file.ts): a build stopped while writing leaves the
    // previous cache, never a cut one; a killed build's temporary file is removed by the next.
    process.on('exit', () =>
      writeFileAtomically(writeCacheTo, script.createCachedData(), () => true),
    );
  }
  const bundleModule = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    bundleModule.exports,
    createRequire(bundleFile),
    bundleModule,
    bundleFile,
    dirname(bundleFile),
  );
  if (cachedData === undefined) return 'none';
  return script.cachedDataRejected === true ? 'rejected' : 'used';
}
