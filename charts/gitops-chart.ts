/**
 * The GitOps entry point for Flux (`gitops.engine: flux`): one Flux `Kustomization` per layer
 * folder of the synth output. The operators folder syncs first and is healthy only when every
 * operator `HelmRelease` is Ready (so their CRDs exist); every platform component folder
 * `dependsOn` it and waits for its own objects to be Ready. Point Flux's bootstrap at this folder
 * (`<gitops.path>/gitops`), not at the root, so each object has exactly one owner.
 */
import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { PlatformSpec } from '../spec/schema';
import { gitopsNamespace } from './operators-chart';
import {
  FLUX_HELM_API_VERSION,
  FLUX_KUSTOMIZE_API_VERSION,
  fluxLayerKustomizationSpec,
} from './operators/gitops';
import { operatorReleases } from './operators/releases';

export interface GitopsChartProps extends ChartProps {
  /** The validated platform spec; `gitops.engine` must be `flux`. */
  readonly spec: PlatformSpec;
  /**
   * Names of the platform-layer component folders to sync (every component but `operators` and
   * `gitops`), in deploy order.
   * @default - required
   */
  readonly platformComponents: readonly string[];
}

/** Path of a component folder as Flux sees it: `gitops.path` joined with the folder, `./`-rooted. */
export function fluxPath(base: string, folder: string): string {
  const trimmed = base.replace(/\/+$/, '').replace(/^\.\/?/, '');
  return trimmed === '' ? `./${folder}` : `./${trimmed}/${folder}`;
}

/** Name of the Flux Kustomization of one layer folder. */
export function layerKustomizationName(spec: PlatformSpec, folder: string): string {
  return `${spec.name}-${folder}`;
}

/** How long each layer may take to become Ready before Flux reports it failed. */
export const LAYER_TIMEOUTS = { operators: '15m', platform: '20m' } as const;

export class GitopsChart extends Chart {
  public constructor(scope: Construct, id: string, props: GitopsChartProps) {
    super(scope, id, props);
    const { spec } = props;
    const namespace = gitopsNamespace(spec);
    const operators = layerKustomizationName(spec, 'operators');
    new ApiObject(this, 'layer-operators', {
      apiVersion: FLUX_KUSTOMIZE_API_VERSION,
      kind: 'Kustomization',
      metadata: { name: operators, namespace },
      spec: fluxLayerKustomizationSpec({
        path: fluxPath(spec.gitops.path, 'operators'),
        sourceNamespace: namespace,
        dependsOn: [],
        healthChecks: operatorReleases(spec).map(release => ({
          apiVersion: FLUX_HELM_API_VERSION,
          kind: 'HelmRelease',
          name: release.name,
          namespace,
        })),
        wait: false,
        timeout: LAYER_TIMEOUTS.operators,
      }),
    });
    for (const component of props.platformComponents) {
      new ApiObject(this, `layer-${component}`, {
        apiVersion: FLUX_KUSTOMIZE_API_VERSION,
        kind: 'Kustomization',
        metadata: { name: layerKustomizationName(spec, component), namespace },
        spec: fluxLayerKustomizationSpec({
          path: fluxPath(spec.gitops.path, component),
          sourceNamespace: namespace,
          dependsOn: [operators],
          healthChecks: [],
          wait: true,
          timeout: LAYER_TIMEOUTS.platform,
        }),
      });
    }
  }
}
