/**
 * Stand-in CustomResourceDefinitions for kinds the synth output emits but `../shared/crds` does
 * not carry. A stand-in only makes the API server serve the kind, so server-side dry-run can place
 * the object (name, namespace, apiVersion and kind are still checked by the server); its schema
 * keeps every field (`x-kubernetes-preserve-unknown-fields`), so it checks none of them.
 *
 * Today there are two: Flux's kustomize-controller `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`),
 * which the GitOps layers emit with `gitops.engine: flux`, and source-controller's `GitRepository`
 * (`source.toolkit.fluxcd.io/v1`), which `pulumi up` creates as the root source when it bootstraps
 * Flux (`components/lib/gitops-bootstrap.ts`). Their fields are checked without a server, against
 * the field names of Flux's v1 specs (`test/util/flux-stand-ins.ts`, used by
 * `test/charts/gitops-layers.test.ts` and `test/components/gitops-bootstrap.test.ts`). A real CRD of
 * the same name in the CRD folder always wins over a stand-in (see `standInCrdsFor`). The layered
 * apply (`gitops-apply.ts`) installs them in its Flux bootstrap step too. docs/cluster-tier.md names
 * these stand-ins.
 */

/** A namespaced CRD serving `group/v1` `kind` that keeps every field unchecked. */
function preserveAll(group: string, kind: string, plural: string): Record<string, unknown> {
  const status = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { spec: { ...status }, status },
            },
          },
        },
      ],
    },
  };
}

/** The stand-ins, keyed by CRD name (`<plural>.<group>`). */
export const STAND_IN_CRDS: Readonly<Record<string, Record<string, unknown>>> = {
  'kustomizations.kustomize.toolkit.fluxcd.io': preserveAll(
    'kustomize.toolkit.fluxcd.io',
    'Kustomization',
    'kustomizations',
  ),
  'gitrepositories.source.toolkit.fluxcd.io': preserveAll(
    'source.toolkit.fluxcd.io',
    'GitRepository',
    'gitrepositories',
  ),
};

/** The stand-ins whose name none of `realCrdNames` (CRDs read from the CRD folder) already has. */
export function standInCrdsFor(realCrdNames: readonly string[]): Array<Record<string, unknown>> {
  const real = new Set(realCrdNames);
  return Object.entries(STAND_IN_CRDS)
    .filter(([name]) => !real.has(name))
    .map(([, crd]) => structuredClone(crd));
}
