/**
 * Paths of the end-to-end tier's binaries. `npm run test:e2e` (scripts/e2e/test-e2e.sh) builds
 * them with scripts/e2e/build.sh and passes their paths in the environment; run on its own, a test
 * asks the build script, which answers from its cache (or builds, which takes minutes when cold).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');

/** The binaries of the tier, by the name scripts/e2e/build.sh prints. */
export type E2eTool =
  'etcd' | 'kube-apiserver' | 'kube-scheduler' | 'kube-controller-manager' | 'kwok';

const ENV: Record<E2eTool, string> = {
  etcd: 'ETCD_BIN',
  'kube-apiserver': 'KUBE_APISERVER_BIN',
  'kube-scheduler': 'KUBE_SCHEDULER_BIN',
  'kube-controller-manager': 'KUBE_CONTROLLER_MANAGER_BIN',
  kwok: 'KWOK_BIN',
};

/** The path of `tool`: from its environment variable, else from scripts/e2e/build.sh. */
export function e2eToolPath(tool: E2eTool): string {
  const fromEnv = process.env[ENV[tool]];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const out = execFileSync('bash', [join(REPO, 'scripts/e2e/build.sh'), tool], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.split('\n').find(l => l.startsWith(`${tool}=`));
  if (line === undefined) throw new Error(`scripts/e2e/build.sh did not print a path for ${tool}`);
  process.env[ENV[tool]] = line.slice(tool.length + 1);
  return line.slice(tool.length + 1);
}

/** moto's server from scripts/peers/install-moto.sh, or an error naming that script. */
export function motoServerBinary(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const path = join(cache, 'kafka-eks-autoscaling', 'moto-venv', 'bin', 'moto_server');
  if (!existsSync(path)) {
    throw new Error(`moto server not found at ${path}; run scripts/peers/install-moto.sh`);
  }
  return path;
}

/** Prometheus from scripts/peers/install-prometheus.sh, or an error naming that script. */
export function prometheusBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'prometheus');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  throw new Error('prometheus not found on PATH; run scripts/peers/install-prometheus.sh');
}

/** The controller bundle built by `npm run build:controller`. */
export function controllerBundle(): string {
  const path = join(REPO, 'build', 'controller', 'main.js');
  if (!existsSync(path)) {
    throw new Error(`${path} not found; run npm run build:controller`);
  }
  return path;
}
