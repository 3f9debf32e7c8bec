/** Paths of the tier's binaries: from the environment (`npm run test:cluster` sets them), else built. */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');

export type Tool = 'kube-apiserver' | 'etcd' | 'kube-linter' | 'kube-score';

const ENV: Record<Tool, string> = {
  'kube-apiserver': 'KUBE_APISERVER_BIN',
  etcd: 'ETCD_BIN',
  'kube-linter': 'KUBE_LINTER_BIN',
  'kube-score': 'KUBE_SCORE_BIN',
};

/**
 * The binary of `tool`, or undefined when it cannot be had here (kube-linter where the Go module
 * proxy does not serve it). Builds through `scripts/cluster/build.sh`, which caches by version.
 */
export function toolPath(tool: Tool): string | undefined {
  const fromEnv = process.env[ENV[tool]];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const out = execFileSync('bash', [join(REPO, 'scripts/cluster/build.sh'), tool], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.split('\n').find(l => l.startsWith(`${tool}=`));
  return line?.slice(tool.length + 1);
}
