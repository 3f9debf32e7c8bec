/**
 * For tests of controller code that imports the Kubernetes client library, an ES module that jest's
 * CommonJS runtime cannot load: bundle the code with esbuild into CommonJS (as the image does,
 * `controller/Dockerfile`) and require the bundle; then point the bundle's `KubeConfig` at a
 * stand-in API server on 127.0.0.1.
 */
import { resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { buildSync } from 'esbuild';

/** The repository root: what `contents`' relative imports resolve from. */
const ROOT = resolve(__dirname, '..', '..');

/**
 * `contents` (TypeScript re-exports with paths relative to the repository root, such as
 * `export { KubeConfig } from '@kubernetes/client-node';`) bundled for node 20 as CommonJS into
 * `outfile` (an absolute path, overwritten) and required. `T` is the caller's view of its exports;
 * nothing checks it. Throws esbuild's error when the code does not build.
 */
export function requireBundled<T>(outfile: string, contents: string): T {
  buildSync({
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as T;
}

/**
 * A `KubeConfig` of the bundle's class whose one context (`stand-in`, user `user`, no credentials)
 * talks to `server` (a URL such as `http://127.0.0.1:PORT`) without TLS verification.
 */
export function standInKubeConfig(
  KubeConfigClass: new () => KubeConfig,
  server: string,
): KubeConfig {
  const kubeConfig = new KubeConfigClass();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'stand-in', server, skipTLSVerify: true }],
    users: [{ name: 'user' }],
    contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'user' }],
    currentContext: 'stand-in',
  });
  return kubeConfig;
}
