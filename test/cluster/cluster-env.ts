/** For test files: the control plane that globalSetup started. */
import { readFileSync } from 'node:fs';
import type { ControlPlaneInfo } from './control-plane';
import { KubeApi } from './kube-api';

export function clusterInfo(): ControlPlaneInfo {
  const stateFile = process.env.KAFKA_EKS_CLUSTER_STATE;
  if (stateFile === undefined) {
    throw new Error('no control plane: run the cluster tier with `npm run test:cluster`');
  }
  return JSON.parse(readFileSync(stateFile, 'utf8')) as ControlPlaneInfo;
}

export function clusterApi(): KubeApi {
  return new KubeApi(clusterInfo());
}
