/**
 * Jest globalSetup of the cluster tier: starts one control plane for all test files and hands its
 * address to the workers through a JSON file named in `KAFKA_EKS_CLUSTER_STATE`. It also notes the
 * plane's cluster-scoped objects (`clusterScopedNames`), so globalTeardown can name whatever a
 * suite left behind (test/cluster/shared-plane.ts).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCrdsDir, startControlPlane, type ControlPlane } from './control-plane';
import { KubeApi } from './kube-api';
import { clusterScopedNames } from './shared-plane';

export const STATE_ENV = 'KAFKA_EKS_CLUSTER_STATE';

declare global {
  var kafkaEksControlPlane: ControlPlane | undefined;
  /** The cluster-scoped objects the shared plane held before any suite ran. */
  var kafkaEksClusterScopedBefore: readonly string[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  const crdsDir = findCrdsDir();
  const log = (line: string): void => void process.stderr.write(`[control plane] ${line}\n`);
  if (crdsDir === undefined) {
    log('no ../shared/crds and no PLATFORM_CRDS_DIR: custom resources are not installed');
  }
  const plane = await startControlPlane({ crdsDir, log });
  globalThis.kafkaEksControlPlane = plane;
  // If jest dies between here and globalTeardown, take the processes down with it.
  process.once('exit', () => plane.killNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      plane.killNow();
      process.exit(130);
    });
  }
  const api = new KubeApi(plane.info);
  try {
    globalThis.kafkaEksClusterScopedBefore = await clusterScopedNames(api);
  } finally {
    api.close();
  }
  const stateFile = join(plane.info.dataDir, 'state.json');
  writeFileSync(stateFile, JSON.stringify(plane.info, null, 2));
  process.env[STATE_ENV] = stateFile;
}
