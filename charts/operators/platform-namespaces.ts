/**
 * Where the Namespace objects of the platform components live in the synth output.
 *
 * With a GitOps engine (`gitops.engine: flux` or `argocd`) every Namespace a platform component
 * runs in (the Drain Cleaner's, the descheduler's, the autoscaling controller's; the Kafka
 * namespace is already a prerequisite of Strimzi's release, `releases.ts`) is emitted by the
 * `operators` component, so it exists before any platform folder or wave is applied and no
 * platform folder waits for another folder only to find its namespace. Flux's `dependsOn` (and
 * Argo CD's waves) wait for the whole dependency to be healthy, so such an edge would hold, for
 * instance, the network policies back until the autoscaling controller turned ready.
 *
 * With `gitops.engine: none` each component keeps its own Namespace: Pulumi applies one
 * ConfigGroup per component in synth order (`components/platform.ts`), which already puts each
 * namespace before its objects.
 */
import type { PlatformPlan } from '../../spec/derive';
import type { PlatformSpec } from '../../spec/schema';
import { restrictedNamespaceLabels } from '../checks/restricted-profile';
import type { PrerequisiteNamespace } from './releases';

/** A platform component's namespace, with the component that runs in it. */
export interface PlatformNamespace extends PrerequisiteNamespace {
  /** The registry component (`charts/registry.ts`) whose workloads run in it. */
  readonly component: 'drain-cleaner' | 'descheduler' | 'autoscaler';
}

/**
 * True when the platform components' Namespaces move to the `operators` component: with
 * `gitops.engine` `flux` or `argocd`; false with `none` (each component emits its own).
 */
export function namespacesWithOperators(spec: PlatformSpec): boolean {
  return spec.gitops.engine !== 'none';
}

/**
 * The namespaces of the platform components the spec builds, in registry order, each labelled for
 * the restricted Pod Security level (as the components label them with `gitops.engine: none`):
 * - `drainCleaner.namespace` (the Drain Cleaner is always built);
 * - `descheduler.namespace` when `plan.deschedulerEnabled`;
 * - `controller.namespace` when `autoscaling.mode` is `controller`.
 * The spec rules keep these distinct from each other and from the operator namespaces.
 */
export function platformNamespaces(
  spec: PlatformSpec,
  plan: Pick<PlatformPlan, 'deschedulerEnabled'>,
): PlatformNamespace[] {
  const labels = restrictedNamespaceLabels();
  const namespaces: PlatformNamespace[] = [
    { component: 'drain-cleaner', name: spec.drainCleaner.namespace, labels },
  ];
  if (plan.deschedulerEnabled) {
    namespaces.push({ component: 'descheduler', name: spec.descheduler.namespace, labels });
  }
  if (spec.autoscaling.mode === 'controller') {
    namespaces.push({ component: 'autoscaler', name: spec.controller.namespace, labels });
  }
  return namespaces;
}
