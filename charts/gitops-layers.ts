/**
 * The two GitOps layers of the synth output and who owns what in the cluster.
 *
 * - Operators layer: the `operators` component (the namespaces the operator charts write into
 *   besides their own, then a Flux HelmRepository/HelmRelease or Argo CD Application per operator).
 *   The operators' Helm charts bring their CRDs.
 * - Platform layer: every other component (Kafka, Drain Cleaner, autoscaler, monitoring, network
 *   policies, storage, descheduler); its custom resources need those CRDs.
 *
 * Flux orders the layers with one Kustomization per folder (`gitops-chart.ts`); Argo CD with sync
 * waves and `SkipDryRunOnMissingResource` on each object, added here after a chart is built.
 */
import { ApiObject, type Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { LoadedSpec } from '../spec/load';
import type { PlatformSpec } from '../spec/schema';
import { gitopsNamespace } from './operators-chart';
import { operatorReleases } from './operators/releases';
import { argoLayerAnnotations } from './operators/gitops';

/** The layer a component belongs to; `gitops` is the entry point above both. */
export type GitopsLayer = 'operators' | 'platform' | 'entry';

export function layerOfComponent(name: string): GitopsLayer {
  if (name === 'operators') return 'operators';
  if (name === 'gitops') return 'entry';
  return 'platform';
}

/** The part of a registry entry the layering needs (see `registry.ts`). */
interface LayeredEntry {
  readonly name: string;
  readonly build: (scope: Construct, loaded: LoadedSpec) => Chart | undefined;
}

/**
 * Wraps each entry's `build` so that, with `gitops.engine: argocd`, every object it emits carries
 * its layer's sync wave (and `SkipDryRunOnMissingResource` on platform custom resources).
 */
export function withGitopsLayers<T extends LayeredEntry>(entries: readonly T[]): T[] {
  return entries.map(entry => ({
    ...entry,
    build: (scope: Construct, loaded: LoadedSpec) => {
      const chart = entry.build(scope, loaded);
      const layer = layerOfComponent(entry.name);
      if (chart !== undefined && loaded.spec.gitops.engine === 'argocd' && layer !== 'entry') {
        for (const child of chart.node.findAll()) {
          if (!(child instanceof ApiObject)) continue;
          for (const [key, value] of Object.entries(
            argoLayerAnnotations(layer, child.apiVersion),
          )) {
            child.metadata.addAnnotation(key, value);
          }
        }
      }
      return chart;
    },
  }));
}

/** Names of the components already built as charts directly under `scope`, in build order. */
export function builtComponentNames(scope: Construct, known: readonly string[]): string[] {
  return scope.node.children.map(child => child.node.id).filter(id => known.includes(id));
}

/** Who creates a namespace that emitted objects live in. */
export type NamespaceOwner =
  | { readonly by: 'emitted'; readonly component: string }
  | { readonly by: 'operator-release'; readonly release: string; readonly installer: string }
  | { readonly by: 'kubernetes' }
  | { readonly by: 'user'; readonly reason: string };

/** Namespaces every cluster has. */
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * The installer of the operator releases per engine: Pulumi's Helm releases with
 * `gitops.engine: none` (`components/platform.ts`), else the engine's HelmRelease or Application.
 * Each installs its chart with `createNamespace`, so the release namespace exists before anything
 * of the platform layer is applied into it.
 */
export function releaseInstaller(spec: PlatformSpec): string {
  switch (spec.gitops.engine) {
    case 'flux':
      return 'Flux HelmRelease (install.createNamespace)';
    case 'argocd':
      return 'Argo CD Application (CreateNamespace=true)';
    case 'none':
      return 'Pulumi helm.v3.Release (createNamespace)';
  }
}

/** An emitted object as `namespaceOwners` reads it. */
interface NamespacedObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

/**
 * Every namespace an emitted object lives in (plus the operator release namespaces), with who
 * creates it. More than one owner, or none, is a fault the tests catch:
 * - a `Namespace` object the synth output emits: the Kafka namespace in the `operators` component
 *   (Strimzi's chart writes RoleBindings into every watched namespace, so it must exist before
 *   that release installs: Flux's operators Kustomization, Argo CD's wave -1 and, with
 *   `gitops.engine: none`, Pulumi's `operators` ConfigGroup apply it before the releases), the
 *   Drain Cleaner, descheduler and controller namespaces in their own components;
 * - an operator release installed with `createNamespace`, by Pulumi (`gitops.engine: none`), a
 *   Flux HelmRelease or an Argo CD Application (`strimzi`, `cert-manager`, the monitoring
 *   namespace when the synth installs kube-prometheus-stack);
 * - Kubernetes itself (`kube-system`, `default`, ...);
 * - the GitOps engine's own namespace (`gitops.namespace`): Pulumi's Helm release of the engine
 *   with `gitops.repository` (`components/gitops-bootstrap.ts`), else the user who installs it;
 * - the user: the monitoring namespace when `monitoring.installKubePrometheusStack` is false
 *   (your own Prometheus Operator stack lives there).
 * The last two do not count when the namespace is one of Kubernetes' own. The spec rules
 * (`spec/rules.ts`, `namespaceCreatorIssues`) refuse namespace fields that would give a namespace
 * two creators.
 */
export function namespaceOwners(
  spec: PlatformSpec,
  components: readonly { readonly name: string; readonly objects: readonly NamespacedObject[] }[],
): Map<string, NamespaceOwner[]> {
  const owners = new Map<string, NamespaceOwner[]>();
  const add = (namespace: string, owner: NamespaceOwner): void => {
    owners.set(namespace, [...(owners.get(namespace) ?? []), owner]);
  };
  const used = new Set<string>();
  for (const component of components) {
    for (const object of component.objects) {
      if (object.metadata.namespace !== undefined) used.add(object.metadata.namespace);
      if (object.kind === 'Namespace') {
        add(object.metadata.name, { by: 'emitted', component: component.name });
      }
    }
  }
  const installer = releaseInstaller(spec);
  for (const release of operatorReleases(spec)) {
    used.add(release.namespace);
    if (!SYSTEM_NAMESPACES.has(release.namespace)) {
      add(release.namespace, { by: 'operator-release', release: release.name, installer });
    }
  }
  for (const namespace of used) {
    if (SYSTEM_NAMESPACES.has(namespace)) add(namespace, { by: 'kubernetes' });
  }
  // Kubernetes makes its own namespaces: an engine or a Prometheus stack installed into one
  // creates nothing, as with the load balancer controller's release in kube-system.
  if (spec.gitops.engine !== 'none' && !SYSTEM_NAMESPACES.has(gitopsNamespace(spec))) {
    const engine = spec.gitops.engine === 'flux' ? 'Flux' : 'Argo CD';
    add(
      gitopsNamespace(spec),
      spec.gitops.repository === undefined
        ? { by: 'user', reason: `created when you install ${engine} (your own bootstrap)` }
        : {
            by: 'operator-release',
            release: spec.gitops.engine,
            installer: `Pulumi helm.v3.Release of ${engine} (createNamespace), components/gitops-bootstrap.ts`,
          },
    );
  }
  if (
    spec.monitoring.enabled &&
    !spec.monitoring.installKubePrometheusStack &&
    !SYSTEM_NAMESPACES.has(spec.monitoring.namespace)
  ) {
    add(spec.monitoring.namespace, {
      by: 'user',
      reason: 'your Prometheus Operator stack (monitoring.installKubePrometheusStack is false)',
    });
  }
  for (const namespace of used) if (!owners.has(namespace)) owners.set(namespace, []);
  return owners;
}
