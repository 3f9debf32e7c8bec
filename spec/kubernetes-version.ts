/**
 * Which `cluster.kubernetesVersion` edits a deployed EKS cluster takes. EKS upgrades a control
 * plane one minor version at a time and never downgrades it: `UpdateClusterVersion` refuses
 * anything else with InvalidParameterException "Unsupported Kubernetes minor version update from
 * 1.22 to 1.25" (terraform-aws-modules/terraform-aws-eks#2607, a skipped version) or "from 1.25
 * to 1.24" (rancher/rancher#43316, a downgrade). `pulumi up` would get there only after changing
 * other resources, so the stack would be left half updated; the Pulumi program refuses the edit
 * first, against the version its last deployment recorded (stack output `kubernetesVersion`,
 * components/lib/zone-order-guard.ts). A cluster the platform joins (`cluster.existing`) is not
 * changed, so its version is not recorded or checked.
 */
import { showValue, type SpecIssue } from './errors';

/** Name of the stack output that records `cluster.kubernetesVersion` as last deployed. */
export const KUBERNETES_VERSION_OUTPUT = 'kubernetesVersion';

/** `[major, minor]` of a `1.NN` version, or undefined. */
function minorOf(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2])];
}

/**
 * The refusal, under path `cluster.kubernetesVersion`, when `next` is neither `deployed` nor the
 * minor version right after it; undefined when EKS takes the step (or a version is unreadable:
 * the spec rules refuse a malformed `next`).
 * @param deployed the version the stack last deployed (stack output `kubernetesVersion`).
 * @param next the spec's `cluster.kubernetesVersion`.
 */
export function kubernetesVersionProblem(deployed: string, next: string): SpecIssue | undefined {
  const was = minorOf(deployed);
  const now = minorOf(next);
  if (was === undefined || now === undefined) return undefined;
  const [wasMajor, wasMinor] = was;
  const [nowMajor, nowMinor] = now;
  if (wasMajor !== nowMajor) return undefined;
  if (nowMinor === wasMinor || nowMinor === wasMinor + 1) return undefined;
  const from = `the stack last deployed ${showValue(deployed)} (stack output ${KUBERNETES_VERSION_OUTPUT})`;
  if (nowMinor < wasMinor) {
    return {
      path: 'cluster.kubernetesVersion',
      message: `${showValue(next)} is older than the version ${from}, and EKS never downgrades a control plane ("Unsupported Kubernetes minor version update", rancher/rancher#43316), so pulumi up would fail after changing other resources; keep ${showValue(deployed)}, or move to a newer one step by step. To run an older version, create the cluster anew (pulumi destroy first, or a new stack)`,
    };
  }
  const steps = Array.from(
    { length: nowMinor - wasMinor },
    (_, index) => `"${wasMajor}.${wasMinor + index + 1}"`,
  );
  return {
    path: 'cluster.kubernetesVersion',
    message: `${showValue(next)} skips minor versions after ${from}, and EKS upgrades a control plane one minor version at a time ("Unsupported Kubernetes minor version update", terraform-aws-modules/terraform-aws-eks#2607), so pulumi up would fail after changing other resources; deploy ${steps.join(', then ')} in turn, one pulumi up each (each needs its row of pinned add-ons, components/lib/addon-versions.ts)`,
  };
}

/**
 * The deployed version from the stack output `kubernetesVersion`: a string, returned as is;
 * `undefined` when the output is absent (a first deployment, one by an earlier version, or a
 * joined cluster).
 * @throws Error naming the output, the value and the fix when the output is not a `1.NN` string.
 */
export function deployedKubernetesVersion(output: unknown): string | undefined {
  if (output === undefined || output === null) return undefined;
  if (typeof output === 'string' && minorOf(output) !== undefined) return output;
  throw new Error(
    `stack output ${KUBERNETES_VERSION_OUTPUT} of the last deployment is ${showValue(output)}, not ` +
      `a Kubernetes minor version such as "1.34", so the deployed version is unknown. Fix: restore ` +
      `it with pulumi stack export / pulumi stack import (outputs of the pulumi:pulumi:Stack ` +
      `resource), set to the cluster's version (aws eks describe-cluster)`,
  );
}
