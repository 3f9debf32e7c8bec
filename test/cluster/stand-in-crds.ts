/**
 * Stand-in CustomResourceDefinitions for kinds the synth output emits but `../shared/crds` does
 * not carry. A stand-in only makes the API server serve the kind, so server-side dry-run can place
 * the object (name, namespace, apiVersion and kind are still checked by the server); its schema
 * keeps every field (`x-kubernetes-preserve-unknown-fields`), so it checks none of them.
 *
 * Today there is one: Flux's kustomize-controller `Kustomization` (`kustomize.toolkit.fluxcd.io/v1`),
 * which the GitOps layers emit with `gitops.engine: flux`. Its fields are checked by
 * `test/charts/gitops-layers.test.ts` instead. A real CRD of the same name in the CRD folder always
 * wins over the stand-in (see `standInCrdsFor`). The layered apply (`gitops-apply.ts`) installs it
 * in its Flux bootstrap step too. docs/cluster-tier.md names this stand-in.
 */

/** The stand-ins, keyed by CRD name (`<plural>.<group>`). */
export const STAND_IN_CRDS: Readonly<Record<string, Record<string, unknown>>> = {
  'kustomizations.kustomize.toolkit.fluxcd.io': {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'kustomizations.kustomize.toolkit.fluxcd.io' },
    spec: {
      group: 'kustomize.toolkit.fluxcd.io',
      names: {
        kind: 'Kustomization',
        listKind: 'KustomizationList',
        plural: 'kustomizations',
        singular: 'kustomization',
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  },
};

/** The stand-ins whose name none of `realCrdNames` (CRDs read from the CRD folder) already has. */
export function standInCrdsFor(realCrdNames: readonly string[]): Array<Record<string, unknown>> {
  const real = new Set(realCrdNames);
  return Object.entries(STAND_IN_CRDS)
    .filter(([name]) => !real.has(name))
    .map(([, crd]) => structuredClone(crd));
}
