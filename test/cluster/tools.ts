/**
 * Paths of the tier's binaries: from the environment (`npm run test:cluster` sets them), else
 * built or installed by the project's scripts, which cache by version:
 * `scripts/cluster/build.sh` (kube-apiserver, etcd, kube-score, kube-linter, Polaris) and
 * `scripts/peers/install-checkov.sh` (Checkov, a Python virtual environment).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');

export type Tool = 'kube-apiserver' | 'etcd' | 'kube-linter' | 'kube-score' | 'polaris' | 'checkov';

const ENV: Record<Tool, string> = {
  'kube-apiserver': 'KUBE_APISERVER_BIN',
  etcd: 'ETCD_BIN',
  'kube-linter': 'KUBE_LINTER_BIN',
  'kube-score': 'KUBE_SCORE_BIN',
  polaris: 'POLARIS_BIN',
  checkov: 'CHECKOV_BIN',
};

/** Exit code of install-checkov.sh when python3 is missing: the Checkov test skips. */
const CHECKOV_NO_PYTHON = 2;

/**
 * The binary of `tool`, or undefined when it cannot be had here: kube-linter or Polaris without
 * their source tarball in `../shared/tools-src` (build.sh prints why), Checkov without python3.
 * Throws when a build or install that can run fails.
 */
export function toolPath(tool: Tool): string | undefined {
  const fromEnv = process.env[ENV[tool]];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  let out: string;
  if (tool === 'checkov') {
    const result = spawnSync('bash', [join(REPO, 'scripts/peers/install-checkov.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (result.status === CHECKOV_NO_PYTHON) return undefined;
    if (result.status !== 0) {
      throw new Error(`scripts/peers/install-checkov.sh failed (exit ${String(result.status)})`);
    }
    out = result.stdout;
  } else {
    out = execFileSync('bash', [join(REPO, 'scripts/cluster/build.sh'), tool], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  }
  const line = out.split('\n').find(l => l.startsWith(`${tool}=`));
  return line?.slice(tool.length + 1);
}
