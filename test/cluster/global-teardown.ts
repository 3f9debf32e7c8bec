/**
 * Jest globalTeardown of the cluster tier: checks that the suites left no cluster-scoped object on
 * the shared control plane that was not there before them (test/cluster/shared-plane.ts), then
 * stops the plane and removes its data. Leftovers fail the run (after the plane is stopped), each
 * named, since a suite that runs later would see them.
 */
import './global-setup';
import { KubeApi } from './kube-api';
import { clusterScopedNames, leftovers, leftoversMessage } from './shared-plane';

export default async function globalTeardown(): Promise<void> {
  const plane = globalThis.kafkaEksControlPlane;
  const before = globalThis.kafkaEksClusterScopedBefore;
  globalThis.kafkaEksControlPlane = undefined;
  globalThis.kafkaEksClusterScopedBefore = undefined;
  if (plane === undefined) return;
  let left: string[] = [];
  try {
    if (before !== undefined) {
      const api = new KubeApi(plane.info);
      try {
        left = leftovers(before, await clusterScopedNames(api));
      } finally {
        api.close();
      }
    }
  } finally {
    await plane.stop();
  }
  if (left.length > 0) throw new Error(leftoversMessage(left));
}
