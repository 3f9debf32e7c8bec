/**
 * Values of the Helm releases only Pulumi installs (Cluster Autoscaler, and the GitOps engine it
 * bootstraps), as plain data built from the spec. The operator releases, which Pulumi and the GitOps
 * engines both install, take theirs from the one list in `charts/operators/releases.ts`.
 */
import type { HelmValues } from '../../charts/operators/releases';
import type { PlatformSpec } from '../../spec/schema';
import { SERVICE_ACCOUNTS } from './names';
import { clusterAutoscalerDiscoveryTag } from './tags';

export type { HelmValues };

/**
 * Cluster Autoscaler, discovering only groups with this platform's own tag (the system group),
 * so it never touches a Kafka group.
 */
export function clusterAutoscalerValues(spec: PlatformSpec): HelmValues {
  const tag = clusterAutoscalerDiscoveryTag(spec.name);
  return {
    cloudProvider: 'aws',
    awsRegion: spec.region,
    autoDiscovery: { clusterName: spec.name, tags: [`${tag.key}=${tag.value}`] },
    rbac: {
      serviceAccount: { create: true, name: SERVICE_ACCOUNTS.clusterAutoscaler.name },
    },
    extraArgs: {
      expander: 'least-waste',
      'balance-similar-node-groups': false,
      'skip-nodes-with-local-storage': false,
    },
  };
}

/**
 * Flux's controllers with their CRDs (`installCRDs`, a key of the fluxcd-community `flux2` chart).
 * The `GitRepository` and root `Kustomization` are separate objects (`gitops-bootstrap.ts`),
 * created once the chart's CRDs exist.
 */
export function fluxValues(): HelmValues {
  return { installCRDs: true };
}

/**
 * Lua health check for `argoproj.io/Application` in `argocd-cm`: a child Application is as healthy
 * as its own `status.health.status` says, and Progressing until it reports one. Argo CD counts a
 * child Application healthy at once without it (since 1.8), so sync waves would not wait for the
 * operators' Applications before the platform's custom resources are applied.
 */
export const ARGO_CD_APPLICATION_HEALTH_LUA = [
  'local hs = { status = "Progressing", message = "waiting for the Application to report health" }',
  'if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then',
  '  hs.status = obj.status.health.status',
  '  hs.message = obj.status.health.message or ""',
  'end',
  'return hs',
  '',
].join('\n');

/** The `argocd-cm` key that holds the health check of one resource kind (`<group>_<Kind>`). */
export const ARGO_CD_APPLICATION_HEALTH_KEY =
  'resource.customizations.health.argoproj.io_Application';

/**
 * Argo CD with the `Application` health check in `argocd-cm` (the argo-cd chart writes
 * `configs.cm` entries into that ConfigMap), so the root Application's sync waves wait for every
 * operator Application to be Healthy.
 */
export function argoCdValues(): HelmValues {
  return { configs: { cm: { [ARGO_CD_APPLICATION_HEALTH_KEY]: ARGO_CD_APPLICATION_HEALTH_LUA } } };
}
