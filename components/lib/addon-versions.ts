/**
 * EKS add-on versions, pinned per Kubernetes version so an upgrade of the control plane is a
 * deliberate change of this table. Check with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>` before a bump.
 */

export interface AddonVersions {
  readonly vpcCni: string;
  readonly coreDns: string;
  readonly kubeProxy: string;
  readonly podIdentityAgent: string;
  readonly ebsCsiDriver: string;
}

export const ADDON_VERSIONS: Readonly<Record<string, AddonVersions>> = {
  '1.33': {
    vpcCni: 'v1.20.4-eksbuild.1',
    coreDns: 'v1.12.1-eksbuild.2',
    kubeProxy: 'v1.33.3-eksbuild.4',
    podIdentityAgent: 'v1.3.8-eksbuild.2',
    ebsCsiDriver: 'v1.50.1-eksbuild.1',
  },
  '1.34': {
    vpcCni: 'v1.20.4-eksbuild.1',
    coreDns: 'v1.12.4-eksbuild.1',
    kubeProxy: 'v1.34.0-eksbuild.4',
    podIdentityAgent: 'v1.3.8-eksbuild.2',
    ebsCsiDriver: 'v1.50.1-eksbuild.1',
  },
};

/**
 * The pinned add-on versions for a Kubernetes version.
 * @throws Error naming the supported versions when there is no pin.
 */
export function addonVersionsFor(kubernetesVersion: string): AddonVersions {
  const versions = ADDON_VERSIONS[kubernetesVersion];
  if (versions === undefined) {
    throw new Error(
      `cluster.kubernetesVersion: no add-on versions are pinned for ${JSON.stringify(kubernetesVersion)}; use one of ${Object.keys(ADDON_VERSIONS).join(', ')} or add a row to components/lib/addon-versions.ts`,
    );
  }
  return versions;
}
