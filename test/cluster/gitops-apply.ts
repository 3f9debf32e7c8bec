/**
 * Applies the layered GitOps output to an empty API server the way each engine would, with real
 * server-side apply (not dry-run), and reports every object the server refused or that was only
 * accepted by luck of ordering.
 *
 * The model, per `gitops.engine` (docs/gitops.md, docs/cluster-tier.md):
 * - Step 0, bootstrap: the engine's own CRDs (Flux source and helm controllers, plus the
 *   kustomize-controller stand-in of `stand-in-crds.ts`; Argo CD's `Application`) and the
 *   namespaces `namespaceOwners` leaves to the user. Nothing for `none`.
 * - Step 1: what the engine applies first. Flux: the `gitops/` Kustomizations, then the
 *   `operators/` folder its operators Kustomization syncs. Argo CD: sync wave -1. `none`: the
 *   units a Pulumi Helm release `dependsOn` (the `operators` component's namespaces, typed
 *   `Namespace` resources).
 * - Step 2: each operator release the operators layer declares (a Flux `HelmRelease`, an Argo CD
 *   `Application`, or a Pulumi `helm.v3.Release` from the stack planned under mocks) brings the
 *   CRDs its chart ships (from `../shared/crds`) and, when it says `createNamespace`, its
 *   namespace; then it writes one stand-in ConfigMap into every namespace its chart writes into,
 *   derived from its values (`CHART_WRITES`: Strimzi's own namespace and each of
 *   `watchNamespaces`, ...). That namespace must exist by then, made by the release itself or by a
 *   unit it installs after. Nothing from the platform layer decides this list.
 * - Step 3: the platform layer in the engine's order. Flux: one unit per Kustomization, in
 *   `dependsOn` order, ties broken latest-first so that a missing `dependsOn` shows. Argo CD: one
 *   unit per sync wave above -1. `none`: one unit per ConfigGroup (and per typed Kubernetes
 *   object no release waits for), in `dependsOn` order.
 *
 * Inside a unit, Namespaces and CRDs go first, as kustomize-controller's staged apply, Argo CD's
 * kind order and Pulumi's `yaml/v2` implicit dependencies all do; then the rest, one object at a
 * time. Besides the server's own answers, a unit may only use a namespace or a custom resource
 * kind that it makes itself or that something it waits for (its transitive `dependsOn`, earlier
 * waves, the releases it depends on) makes; anything else is reported as an ordering gap, even
 * when the server accepted it because an unrelated unit happened to run first.
 */
import type { RecordedResource } from '../../components/lib/plan';
import { gitopsNamespace } from '../../charts/operators-chart';
import {
  ARGO_SYNC_WAVE_ANNOTATION,
  FLUX_SOURCE_API_VERSION,
  isCustomResource,
} from '../../charts/operators/gitops';
import { namespaceOwners } from '../../charts/gitops-layers';
import type { LoadedSpec } from '../../spec/load';
import { readCrds } from './control-plane';
import { KubeApi, statusMessage, type KubeObject } from './kube-api';
import { standInCrdsFor } from './stand-in-crds';
import { describeObject, synthObjects, type PlacedObject } from './synth-objects';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';

export type Engine = 'flux' | 'argocd' | 'none';

/** What one operator release installs, as its installer object declares it. */
export interface ReleaseInstall {
  /** `HelmRelease flux-system/cert-manager`, `Release orders-cert-manager`, ... */
  readonly source: string;
  readonly chart: string;
  readonly version: string;
  readonly namespace: string;
  readonly createNamespace: boolean;
  /** False when the installer skips the chart's CRDs (Flux `install.crds: Skip`, `skipCrds`). */
  readonly installsCrds: boolean;
  readonly values: Record<string, unknown>;
  /** An object the release reads its chart from (a Flux `HelmRepository`), if any. */
  readonly chartSource?: KubeObject;
  /**
   * Units (of `first`) the release installs after: the Flux Kustomization that applies the
   * HelmRelease, the Argo CD waves up to the Application's, the Pulumi ConfigGroups the Release
   * `dependsOn`. Namespaces they emit count as made before the release writes into them.
   */
  readonly waitsFor: readonly string[];
}

/** The engine's own release and root sync objects, as the Pulumi plan declares them. */
export interface EngineBootstrap {
  readonly release: ReleaseInstall;
  readonly rootObjects: readonly KubeObject[];
}

/** A set of objects the engine applies together, and what it waits for first. */
export interface ApplyUnit {
  readonly name: string;
  readonly objects: readonly KubeObject[];
  /** Units (or release sources) this one waits for. */
  readonly dependsOn: readonly string[];
}

/** The whole plan of one engine for one spec. */
export interface LayeredApplyPlan {
  readonly engine: Engine;
  /** Field manager the engine's applier uses. */
  readonly fieldManager: string;
  readonly engineCrdDirs: readonly string[];
  /**
   * `pulumi up`'s bootstrap of the engine (`gitops.repository` set): its Helm release and the root
   * sync objects it creates after it. Undefined when you bootstrap the engine yourself.
   */
  readonly engineBootstrap: EngineBootstrap | undefined;
  /** Namespaces that exist before the output is applied (made by you or the engine's bootstrap). */
  readonly bootstrapNamespaces: readonly string[];
  /** CRD folders you provide (your own Prometheus Operator stack). */
  readonly userCrdDirs: readonly string[];
  readonly first: readonly ApplyUnit[];
  readonly releases: readonly ReleaseInstall[];
  /**
   * Which unit (or `first` unit) makes each release's CRDs and namespace count as available: the
   * Flux operators Kustomization only for the HelmReleases it health-checks.
   */
  readonly releaseProviders: ReadonlyMap<string, readonly string[]>;
  readonly platform: readonly ApplyUnit[];
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';
const HELM_RELEASE = 'kubernetes:helm.sh/v3:Release';

/**
 * CRD folders (prefix of a folder under the CRD directory) each chart ships, and when. A chart not
 * listed here fails the plan: add it with the CRDs it installs.
 */
const CHART_CRDS: Readonly<
  Record<
    string,
    {
      readonly folder: (version: string) => string | undefined;
      readonly when: (values: Record<string, unknown>) => boolean;
    }
  >
> = {
  // Strimzi's chart ships its CRDs in crds/ (installed unless skipped); folder per chart version.
  'strimzi-kafka-operator': { folder: version => `strimzi-${version}`, when: () => true },
  // cert-manager's chart installs its CRDs only with crds.enabled (or the older installCRDs).
  'cert-manager': {
    folder: version => `cert-manager-${version}`,
    when: values => {
      const crds = values.crds as { enabled?: unknown } | undefined;
      return crds?.enabled === true || values.installCRDs === true;
    },
  },
  // kube-prometheus-stack ships the Prometheus Operator CRDs (a crds subchart, on by default).
  'kube-prometheus-stack': {
    folder: () => 'prometheus-operator-',
    when: values => (values.crds as { enabled?: unknown } | undefined)?.enabled !== false,
  },
  // The engines' charts, as `pulumi up` installs them (`gitops.repository` set). The Flux chart's
  // kustomize-controller CRD is not in the CRD folder: `stand-in-crds.ts` stands in for it.
  flux2: {
    folder: () => 'flux-',
    when: values => values.installCRDs !== false,
  },
  'argo-cd': {
    folder: () => 'argo-cd-',
    when: values => (values.crds as { install?: unknown } | undefined)?.install !== false,
  },
  // No CRD of these charts is used by the output, and none is in the CRD folder.
  'aws-load-balancer-controller': { folder: () => undefined, when: () => false },
  'cluster-autoscaler': { folder: () => undefined, when: () => false },
};

/**
 * Namespaces each chart writes objects into, from the release's values: the stand-in of step 2
 * puts one object in each, so a release whose chart writes into a namespace nothing made yet fails
 * here as Helm would (`namespaces "<name>" not found`). A chart not listed fails the plan.
 * - Strimzi: its namespace, and with `watchAnyNamespace` false each of `watchNamespaces` (the
 *   RoleBinding templates range over them with `namespace: {{ . }}`);
 * - cert-manager: its namespace and the leader election namespace (`global.leaderElection.namespace`,
 *   default `kube-system`);
 * - kube-prometheus-stack: its namespace and `kube-system` (Services for the control plane's
 *   metrics);
 * - the others: their namespace.
 */
const CHART_WRITES: Readonly<
  Record<string, (namespace: string, values: Record<string, unknown>) => string[]>
> = {
  'strimzi-kafka-operator': (namespace, values) =>
    values.watchAnyNamespace === true
      ? [namespace]
      : [namespace, ...((values.watchNamespaces ?? []) as unknown[]).map(String)],
  'cert-manager': (namespace, values) => {
    const election = record(record(record(values.global).leaderElection)).namespace;
    return [namespace, typeof election === 'string' ? election : 'kube-system'];
  },
  'kube-prometheus-stack': namespace => [namespace, 'kube-system'],
  'aws-load-balancer-controller': namespace => [namespace],
  'cluster-autoscaler': namespace => [namespace],
  flux2: namespace => [namespace],
  'argo-cd': namespace => [namespace],
};

/** Every namespace `release`'s chart writes into, each once; throws for an unknown chart. */
export function releaseWriteNamespaces(release: ReleaseInstall): string[] {
  const writes = CHART_WRITES[release.chart];
  if (writes === undefined) {
    throw new Error(
      `${release.source}: chart ${release.chart} has no namespace mapping in gitops-apply.ts`,
    );
  }
  return [...new Set(writes(release.namespace, release.values))];
}

/** The stand-in object a release writes into one namespace (a ConfigMap naming the release). */
export function releaseStandIn(release: ReleaseInstall, namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `stand-in-${release.chart}`, namespace },
    data: { release: release.source },
  };
}

/** The CRD folder under `crdsDir` whose name is `prefix` or starts with it; throws when none. */
export function crdFolder(crdsDir: string, prefix: string): string {
  const names = readdirSync(crdsDir).sort();
  const found = names.find(name => name === prefix) ?? names.find(name => name.startsWith(prefix));
  if (found === undefined) {
    throw new Error(`no CRD folder ${prefix}* in ${crdsDir} (have: ${names.join(', ')})`);
  }
  return join(crdsDir, found);
}

/** CRD folders a release brings; throws for a chart this tier does not know. */
export function releaseCrdDirs(crdsDir: string, release: ReleaseInstall): string[] {
  const known = CHART_CRDS[release.chart];
  if (known === undefined) {
    throw new Error(
      `${release.source}: chart ${release.chart} has no CRD mapping in gitops-apply.ts`,
    );
  }
  const folder = known.folder(release.version);
  if (!release.installsCrds || folder === undefined || !known.when(release.values)) return [];
  return [crdFolder(crdsDir, folder)];
}

const record = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};

function fluxRelease(object: KubeObject, waitsFor: readonly string[]): ReleaseInstall {
  const spec = record(object.spec);
  const chart = record(record(record(spec.chart).spec));
  const sourceRef = record(chart.sourceRef);
  const install = record(spec.install);
  return {
    source: describeObject(object),
    chart: String(chart.chart),
    version: String(chart.version),
    namespace: String(spec.targetNamespace ?? object.metadata?.namespace),
    createNamespace: install.createNamespace === true,
    installsCrds: install.crds !== 'Skip',
    values: record(spec.values),
    waitsFor,
    chartSource: {
      apiVersion: FLUX_SOURCE_API_VERSION,
      kind: String(sourceRef.kind),
      metadata: {
        name: String(sourceRef.name),
        namespace: String(sourceRef.namespace ?? object.metadata?.namespace),
      },
    },
  };
}

function argoRelease(object: KubeObject, waitsFor: readonly string[]): ReleaseInstall {
  const spec = record(object.spec);
  const source = record(spec.source);
  const helm = record(source.helm);
  const syncOptions = (record(spec.syncPolicy).syncOptions ?? []) as unknown[];
  return {
    source: describeObject(object),
    chart: String(source.chart),
    version: String(source.targetRevision),
    namespace: String(record(spec.destination).namespace),
    createNamespace: syncOptions.includes('CreateNamespace=true'),
    installsCrds: helm.skipCrds !== true,
    values: record(helm.valuesObject),
    waitsFor,
  };
}

/** `kustomize.toolkit.fluxcd.io` Kustomization's folder: the last segment of `spec.path`. */
function kustomizationFolder(object: KubeObject): string {
  const path = String(record(object.spec).path);
  return path.replace(/\/+$/, '').split('/').pop() ?? path;
}

function dependsOnNames(object: KubeObject): string[] {
  const list = (record(object.spec).dependsOn ?? []) as Array<{ name?: unknown }>;
  return list.map(entry => String(entry.name));
}

function byComponent(placed: readonly PlacedObject[]): Map<string, KubeObject[]> {
  const result = new Map<string, KubeObject[]>();
  for (const { component, object } of placed) {
    result.set(component, [...(result.get(component) ?? []), object]);
  }
  return result;
}

/** Namespaces and CRD folders `namespaceOwners` leaves to you (or to the engine's bootstrap). */
function userPrerequisites(
  loaded: LoadedSpec,
  placed: readonly PlacedObject[],
): { namespaces: string[]; crdPrefixes: string[] } {
  const components = [...byComponent(placed)].map(([name, objects]) => ({
    name,
    objects: objects.map(o => ({
      kind: String(o.kind),
      metadata: { name: String(o.metadata?.name), namespace: o.metadata?.namespace },
    })),
  }));
  const owners = namespaceOwners(loaded.spec, components);
  const namespaces = [...owners]
    .filter(([, list]) => list.some(owner => owner.by === 'user'))
    .map(([namespace]) => namespace)
    .sort();
  const { monitoring } = loaded.spec;
  // With monitoring on and kube-prometheus-stack left to you, your stack brings its CRDs too.
  const crdPrefixes =
    monitoring.enabled && !monitoring.installKubePrometheusStack ? ['prometheus-operator-'] : [];
  return { namespaces, crdPrefixes };
}

/**
 * The engine's CRD folders: those its chart ships when `pulumi up` installs it (an unknown chart
 * or CRDs turned off give none, and step 1 then fails), else `prefixes` (your installation).
 */
function engineCrdDirs(
  crdsDir: string,
  engineBootstrap: EngineBootstrap | undefined,
  prefixes: readonly string[],
): string[] {
  if (engineBootstrap === undefined) return prefixes.map(prefix => crdFolder(crdsDir, prefix));
  const { release } = engineBootstrap;
  if (releaseCrdDirs(crdsDir, release).length === 0) return [];
  // One chart, several controllers: every folder of the engine (flux-source-..., flux-helm-...).
  return prefixes.map(prefix => crdFolder(crdsDir, prefix));
}

/** Namespaces made before the output: the engine's (by its release or by you), and yours. */
function bootstrapNamespaces(
  loaded: LoadedSpec,
  engineBootstrap: EngineBootstrap | undefined,
  userNamespaces: readonly string[],
): string[] {
  const engine =
    engineBootstrap === undefined
      ? [gitopsNamespace(loaded.spec)]
      : engineBootstrap.release.createNamespace
        ? [engineBootstrap.release.namespace]
        : [];
  return [...new Set([...engine, ...userNamespaces])].sort();
}

/** `pulumi up`'s engine bootstrap from the planned stack, when it installs the engine. */
function engineBootstrapOf(resources: readonly RecordedResource[]): EngineBootstrap | undefined {
  const release = resources.find(
    r => r.type === HELM_RELEASE && ['flux2', 'argo-cd'].includes(String(r.inputs.chart)),
  );
  if (release === undefined) return undefined;
  const rootObjects = resources
    .filter(
      r =>
        r.dependsOn.includes(release.name) &&
        r.type.startsWith('kubernetes:') &&
        typeof r.inputs.kind === 'string',
    )
    .map(r => r.inputs as KubeObject);
  return { release: pulumiRelease(release), rootObjects };
}

/** A Pulumi `helm.v3.Release` as a release install. */
function pulumiRelease(r: RecordedResource, waitsFor: readonly string[] = []): ReleaseInstall {
  return {
    source: `Release ${r.name}`,
    chart: String(r.inputs.chart),
    version: String(r.inputs.version),
    namespace: String(r.inputs.namespace ?? 'default'),
    createNamespace: r.inputs.createNamespace === true,
    installsCrds: r.inputs.skipCrds !== true,
    values: record(r.inputs.values),
    waitsFor,
  };
}

/** Flux: gitops/ then operators/, then one unit per platform Kustomization. */
function fluxPlan(
  loaded: LoadedSpec,
  placed: readonly PlacedObject[],
  crdsDir: string,
  engineBootstrap: EngineBootstrap | undefined,
) {
  const components = byComponent(placed);
  const kustomizations = components.get('gitops') ?? [];
  const operators = components.get('operators') ?? [];
  const byFolder = new Map(kustomizations.map(k => [kustomizationFolder(k), k]));
  const problems: string[] = [];
  for (const folder of components.keys()) {
    if (folder !== 'gitops' && !byFolder.has(folder)) {
      problems.push(`folder ${folder}/ has no Flux Kustomization in gitops/: nothing syncs it`);
    }
  }
  const operatorsKustomization = byFolder.get('operators');
  const operatorsName = String(operatorsKustomization?.metadata?.name ?? 'operators');
  const checked = new Set(
    ((record(operatorsKustomization?.spec).healthChecks ?? []) as KubeObject[]).map(
      check => `${String(check.kind)} ${String(check.namespace)}/${String(check.name)}`,
    ),
  );
  // helm-controller reconciles a HelmRelease once its Kustomization applied it, Namespaces first.
  const releases = operators
    .filter(o => o.kind === 'HelmRelease')
    .map(o => fluxRelease(o, [operatorsName]));
  const releaseProviders = new Map<string, string[]>();
  for (const release of releases) {
    // dependsOn on the operators Kustomization waits for a release only if it is health-checked.
    releaseProviders.set(release.source, checked.has(release.source) ? [operatorsName] : []);
  }
  const platform: ApplyUnit[] = [];
  for (const [folder, kustomization] of byFolder) {
    if (folder === 'operators') continue;
    platform.push({
      name: String(kustomization.metadata?.name),
      objects: components.get(folder) ?? [],
      dependsOn: dependsOnNames(kustomization),
    });
  }
  const user = userPrerequisites(loaded, placed);
  const plan: LayeredApplyPlan = {
    engine: 'flux',
    fieldManager: 'kustomize-controller',
    engineCrdDirs: engineCrdDirs(crdsDir, engineBootstrap, [
      'flux-source-controller-',
      'flux-helm-controller-',
    ]),
    engineBootstrap,
    bootstrapNamespaces: bootstrapNamespaces(loaded, engineBootstrap, user.namespaces),
    userCrdDirs: user.crdPrefixes.map(prefix => crdFolder(crdsDir, prefix)),
    first: [
      { name: 'gitops/ (bootstrap sync)', objects: kustomizations, dependsOn: [] },
      {
        name: operatorsName,
        objects: operators,
        dependsOn: dependsOnNames(operatorsKustomization ?? {}),
      },
    ],
    releases,
    releaseProviders,
    platform,
  };
  return { plan, problems };
}

function waveOf(object: KubeObject): number {
  const annotations = (object.metadata?.annotations ?? {}) as Record<string, string>;
  const wave = annotations[ARGO_SYNC_WAVE_ANNOTATION];
  return wave === undefined ? 0 : Number(wave);
}

/** Argo CD: wave -1 (and lower) first, then each later wave waits for every earlier one. */
function argoPlan(
  loaded: LoadedSpec,
  placed: readonly PlacedObject[],
  crdsDir: string,
  engineBootstrap: EngineBootstrap | undefined,
) {
  const waves = new Map<number, KubeObject[]>();
  for (const { object } of placed) {
    const wave = waveOf(object);
    waves.set(wave, [...(waves.get(wave) ?? []), object]);
  }
  const ordered = [...waves.keys()].sort((a, b) => a - b);
  const units: ApplyUnit[] = ordered.map((wave, index) => ({
    name: `sync wave ${wave}`,
    objects: waves.get(wave) ?? [],
    dependsOn: index === 0 ? [] : [`sync wave ${ordered[index - 1]}`],
  }));
  const first = units.filter((_, index) => ordered[index] < 0);
  const platform = units.filter((_, index) => ordered[index] >= 0);
  // An Application syncs once its wave was applied (Namespaces first within it): it waits for
  // its own wave and every earlier one.
  const releases = first.flatMap((unit, index) =>
    unit.objects
      .filter(o => o.kind === 'Application')
      .map(o =>
        argoRelease(
          o,
          first.slice(0, index + 1).map(u => u.name),
        ),
      ),
  );
  const lastFirst = first.length === 0 ? [] : [first[first.length - 1].name];
  const user = userPrerequisites(loaded, placed);
  const plan: LayeredApplyPlan = {
    engine: 'argocd',
    fieldManager: 'argocd-controller',
    engineCrdDirs: engineCrdDirs(crdsDir, engineBootstrap, ['argo-cd-']),
    engineBootstrap,
    bootstrapNamespaces: bootstrapNamespaces(loaded, engineBootstrap, user.namespaces),
    userCrdDirs: user.crdPrefixes.map(prefix => crdFolder(crdsDir, prefix)),
    first,
    releases,
    // The Applications of the wave before the platform's first wave; the platform waves wait
    // for it (with Argo CD's Application health check on, docs/gitops.md).
    releaseProviders: new Map(releases.map(r => [r.source, lastFirst])),
    platform,
  };
  return { plan, problems: [] as string[] };
}

/**
 * `none`: the Pulumi stack under mocks. Units are the ConfigGroups and the typed Kubernetes
 * objects (one object each, such as the operators component's Namespaces); those a Helm release
 * `dependsOn` go first, then the releases, then the rest by `dependsOn`.
 */
function pulumiPlan(
  loaded: LoadedSpec,
  placed: readonly PlacedObject[],
  resources: readonly RecordedResource[],
  crdsDir: string,
) {
  const problems: string[] = [];
  const helm = resources.filter(r => r.type === HELM_RELEASE);
  const typed = resources.filter(
    r =>
      r.type.startsWith('kubernetes:') &&
      r.type !== HELM_RELEASE &&
      r.type !== CONFIG_GROUP &&
      typeof r.inputs.kind === 'string',
  );
  const groups = [...typed, ...resources.filter(r => r.type === CONFIG_GROUP)];
  const unitOf = (group: RecordedResource): ApplyUnit => ({
    name: group.name,
    objects:
      group.type === CONFIG_GROUP
        ? ((group.inputs.objs ?? []) as KubeObject[])
        : [group.inputs as unknown as KubeObject],
    dependsOn: group.dependsOn.filter(
      name => groups.some(g => g.name === name) || helm.some(h => h.name === name),
    ),
  });
  // Units some Helm release dependsOn (the operators component's namespaces, which the charts
  // write into) are applied before the releases; the rest after them, in dependsOn order.
  const beforeReleases = groups.filter(g => helm.some(h => h.dependsOn.includes(g.name)));
  const first = beforeReleases.map(unitOf);
  const releases: ReleaseInstall[] = helm.map(r =>
    pulumiRelease(
      r,
      r.dependsOn.filter(name => beforeReleases.some(g => g.name === name)),
    ),
  );
  const platform: ApplyUnit[] = groups.filter(g => !beforeReleases.includes(g)).map(unitOf);
  for (const unit of first) {
    if (unit.dependsOn.some(name => helm.some(h => h.name === name))) {
      problems.push(`${unit.name}: a release depends on it, but it depends on a release (cycle)`);
    }
  }
  const user = userPrerequisites(loaded, placed);
  const plan: LayeredApplyPlan = {
    engine: 'none',
    fieldManager: 'pulumi-kubernetes',
    engineCrdDirs: [],
    engineBootstrap: undefined,
    bootstrapNamespaces: user.namespaces,
    userCrdDirs: user.crdPrefixes.map(prefix => crdFolder(crdsDir, prefix)),
    first,
    releases,
    // A Helm release counts for a ConfigGroup that depends on it (Pulumi waits for it).
    releaseProviders: new Map(helm.map(r => [`Release ${r.name}`, [r.name]])),
    platform,
  };
  return { plan, problems };
}

/** Plans the Pulumi stack under mocks (modules load lazily, after the mocks are set). */
export async function planPulumiResources(loaded: LoadedSpec): Promise<RecordedResource[]> {
  const { recordPlan } = await import('../../components/lib/plan');
  return recordPlan(undefined, async () => {
    const { buildPlatformStack } = await import('../../components/stack');
    buildPlatformStack(loaded);
  });
}

/** The layered plan of `loaded`'s engine, and structural problems found while reading it. */
export async function layeredApplyPlan(
  loaded: LoadedSpec,
  crdsDir: string,
): Promise<{ plan: LayeredApplyPlan; problems: string[] }> {
  const placed = synthObjects(loaded);
  switch (loaded.spec.gitops.engine) {
    case 'flux':
    case 'argocd': {
      // `pulumi up` bootstraps the engine only with gitops.repository; then read what it installs.
      const engineBootstrap =
        loaded.spec.gitops.repository === undefined
          ? undefined
          : engineBootstrapOf(await planPulumiResources(loaded));
      return loaded.spec.gitops.engine === 'flux'
        ? fluxPlan(loaded, placed, crdsDir, engineBootstrap)
        : argoPlan(loaded, placed, crdsDir, engineBootstrap);
    }
    case 'none':
      return pulumiPlan(loaded, placed, await planPulumiResources(loaded), crdsDir);
  }
}

/**
 * Units in `dependsOn` order. Among units whose dependencies are met, the one declared last goes
 * first, so a unit that relies on an earlier folder without saying so meets an empty cluster.
 * Throws on a dependency cycle. Names outside `units` count as met (releases, earlier steps).
 */
export function dependencyOrder(units: readonly ApplyUnit[]): ApplyUnit[] {
  const names = new Set(units.map(u => u.name));
  const done = new Set<string>();
  const order: ApplyUnit[] = [];
  while (order.length < units.length) {
    const ready = units.filter(
      u => !done.has(u.name) && u.dependsOn.every(d => !names.has(d) || done.has(d)),
    );
    if (ready.length === 0) {
      const left = units.filter(u => !done.has(u.name)).map(u => u.name);
      throw new Error(`dependsOn cycle among ${left.join(', ')}`);
    }
    const next = ready[ready.length - 1];
    done.add(next.name);
    order.push(next);
  }
  return order;
}

/** Transitive `dependsOn` of `name` over `units` (names outside are kept, not expanded). */
export function closureOf(name: string, units: readonly ApplyUnit[]): Set<string> {
  const byName = new Map(units.map(u => [u.name, u]));
  const seen = new Set<string>();
  const stack = [...(byName.get(name)?.dependsOn ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byName.get(next)?.dependsOn ?? []));
  }
  return seen;
}

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));

/** `group/Kind` of each CRD. */
function crdKinds(crds: ReadonlyArray<Record<string, unknown>>): string[] {
  return crds.map(crd => {
    const spec = crd.spec as { group: string; names: { kind: string } };
    return `${spec.group}/${spec.names.kind}`;
  });
}

/** `group/Kind` of an object's `apiVersion` and `kind`. */
function groupKind(object: KubeObject): string {
  const apiVersion = String(object.apiVersion);
  const slash = apiVersion.indexOf('/');
  return `${slash === -1 ? '' : apiVersion.slice(0, slash)}/${String(object.kind)}`;
}

/** Creates CRDs (real, not dry-run), waits until Established, refreshes discovery. */
export async function installCrdObjects(
  api: KubeApi,
  crds: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  const names: string[] = [];
  for (const original of crds) {
    const crd = structuredClone(original);
    const spec = crd.spec as { conversion?: { strategy?: string } };
    // No conversion webhook can run here; every CRD we use serves one version (control-plane.ts).
    if (spec.conversion?.strategy === 'Webhook') spec.conversion = { strategy: 'None' };
    const name = (crd.metadata as { name: string }).name;
    const response = await api.request('POST', CRD_PATH, { body: crd });
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(`CRD ${name}: HTTP ${response.status}: ${statusMessage(response.body)}`);
    }
    names.push(name);
  }
  const deadline = Date.now() + 60_000;
  for (const name of names) {
    for (;;) {
      const crd = (await api.ok('GET', `${CRD_PATH}/${name}`)) as {
        status?: { conditions?: Array<{ type: string; status: string }> };
      };
      if ((crd.status?.conditions ?? []).some(c => c.type === 'Established' && c.status === 'True'))
        break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after 60 s`);
      await sleep(50);
    }
  }
  await api.discover();
}

/** Creates a namespace unless it exists, as Helm's `createNamespace` (or a bootstrap) does. */
async function ensureNamespace(api: KubeApi, name: string, fieldManager: string): Promise<void> {
  const existing = await api.request('GET', `/api/v1/namespaces/${encodeURIComponent(name)}`);
  if (existing.status === 200) return;
  await api.ok('PATCH', `/api/v1/namespaces/${encodeURIComponent(name)}`, {
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
    contentType: 'application/apply-patch+yaml',
    query: { fieldManager },
  });
}

/**
 * Server-side apply of one object (persisted). Returns the error, or undefined when accepted. A
 * kind the server's discovery does not serve gets the message a REST mapper (kubectl,
 * kustomize-controller, Argo CD, Pulumi) gives: `no matches for kind "K" in version "G/V"`.
 */
export async function applyObject(
  api: KubeApi,
  object: KubeObject,
  fieldManager: string,
): Promise<string | undefined> {
  const apiVersion = String(object.apiVersion);
  const kind = String(object.kind);
  const mapping = await api.mapping(apiVersion, kind);
  if (mapping === undefined) return `no matches for kind "${kind}" in version "${apiVersion}"`;
  const namespace = object.metadata?.namespace;
  if (mapping.namespaced && namespace === undefined) {
    return 'namespaced object without metadata.namespace (it would land in the applier default)';
  }
  const response = await api.request(
    'PATCH',
    KubeApi.pathOf(mapping, namespace, object.metadata?.name ?? ''),
    {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager, force: true, fieldValidation: 'Strict' },
    },
  );
  return response.status < 300
    ? undefined
    : `HTTP ${response.status}: ${statusMessage(response.body)}`;
}

/** What happened, step by step. */
export interface LayeredApplyOutcome {
  /** `step: unit: Kind ns/name: message`, one per refusal or ordering gap. */
  readonly failures: string[];
  /** One line per step for the log. */
  readonly log: string[];
  applied: number;
  /** Namespaces created by a release's `createNamespace` in step 2. */
  readonly releaseNamespaces: string[];
  /** CRD names installed in step 2. */
  readonly releaseCrds: string[];
  /** `namespace/name` of each stand-in object the releases wrote in step 2. */
  readonly releaseStandIns: string[];
}

/** Applies `units` in order; Namespaces and CRDs first inside each unit. */
async function applyUnits(
  api: KubeApi,
  step: string,
  units: readonly ApplyUnit[],
  fieldManager: string,
  outcome: LayeredApplyOutcome,
  available: (unit: ApplyUnit) => { namespaces: Set<string>; kinds: Set<string> },
): Promise<void> {
  for (const unit of units) {
    const started = Date.now();
    const first = unit.objects.filter(
      o => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition',
    );
    const rest = unit.objects.filter(o => !first.includes(o));
    const { namespaces, kinds } = available(unit);
    for (const object of first) {
      if (object.kind === 'Namespace') namespaces.add(String(object.metadata?.name));
    }
    let applied = 0;
    for (const object of [...first, ...rest]) {
      const what = `${step}: ${unit.name}: ${describeObject(object)}`;
      const error = await applyObject(api, object, fieldManager);
      if (error !== undefined) {
        outcome.failures.push(`${what}: ${error}`);
        continue;
      }
      applied += 1;
      const namespace = object.metadata?.namespace;
      if (namespace !== undefined && !namespaces.has(namespace)) {
        outcome.failures.push(
          `${what}: ordering gap: namespace ${namespace} is made neither by this unit nor by ` +
            'anything it waits for (accepted only because an unrelated unit ran first)',
        );
      }
      if (isCustomResource(String(object.apiVersion)) && !kinds.has(groupKind(object))) {
        outcome.failures.push(
          `${what}: ordering gap: the CRD of ${groupKind(object)} comes from nothing this unit ` +
            'waits for',
        );
      }
    }
    outcome.applied += applied;
    outcome.log.push(
      `${step}: ${unit.name}: ${applied}/${unit.objects.length} applied in ${Date.now() - started} ms`,
    );
  }
}

/** Waits until the API server has made its own namespaces (default, kube-system, ...). */
export async function waitForSystemNamespaces(api: KubeApi): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = (await api.ok('GET', '/api/v1/namespaces')) as {
      items: Array<{ metadata: { name: string } }>;
    };
    const names = new Set(list.items.map(item => item.metadata.name));
    if (['default', 'kube-system'].every(n => names.has(n))) return;
    if (Date.now() > deadline) throw new Error('system namespaces not made after 30 s');
    await sleep(100);
  }
}

/** Options for the negative controls. */
export interface RunOptions {
  /** Skip step 2: no operator CRDs, no release namespaces, no stand-in objects. */
  readonly skipReleases?: boolean;
}

/**
 * Runs steps 0 to 3 of `plan` against `api` (an empty API server). Never throws for a refused
 * object: every refusal is in `failures`.
 */
export async function runLayeredApply(
  api: KubeApi,
  plan: LayeredApplyPlan,
  crdsDir: string,
  options: RunOptions = {},
): Promise<LayeredApplyOutcome> {
  const outcome: LayeredApplyOutcome = {
    failures: [],
    log: [],
    applied: 0,
    releaseNamespaces: [],
    releaseCrds: [],
    releaseStandIns: [],
  };
  await waitForSystemNamespaces(api);

  // Step 0: the engine's bootstrap and what you provide.
  const engineCrds = plan.engineCrdDirs.flatMap(dir => readCrds(dir));
  const bootstrapCrds =
    plan.engine === 'flux'
      ? [
          ...engineCrds,
          ...standInCrdsFor(engineCrds.map(c => (c.metadata as { name: string }).name)),
        ]
      : engineCrds;
  const userCrds = plan.userCrdDirs.flatMap(dir => readCrds(dir));
  await installCrdObjects(api, [...bootstrapCrds, ...userCrds]);
  for (const namespace of plan.bootstrapNamespaces)
    await ensureNamespace(api, namespace, 'bootstrap');
  const baseKinds = crdKinds([...bootstrapCrds, ...userCrds]);
  const baseNamespaces = [...SYSTEM_NAMESPACES, ...plan.bootstrapNamespaces];
  if (plan.engineBootstrap !== undefined) {
    // pulumi up: the root sync objects, after the engine's release (CRDs, namespace).
    await applyUnits(
      api,
      'step 0',
      [
        {
          name: `${plan.engineBootstrap.release.source} root objects`,
          objects: plan.engineBootstrap.rootObjects,
          dependsOn: [],
        },
      ],
      'pulumi-kubernetes',
      outcome,
      () => ({ namespaces: new Set(baseNamespaces), kinds: new Set(baseKinds) }),
    );
  }
  outcome.log.push(
    `step 0: ${bootstrapCrds.length} engine CRDs, ${userCrds.length} of yours, namespaces ` +
      `${plan.bootstrapNamespaces.length === 0 ? '(none)' : plan.bootstrapNamespaces.join(', ')}`,
  );

  // What each release provides, and who may count on it.
  const releaseKinds = new Map<string, string[]>();
  const releaseCrdsBySource = new Map<string, Array<Record<string, unknown>>>();
  for (const release of plan.releases) {
    const crds = releaseCrdDirs(crdsDir, release).flatMap(dir => readCrds(dir));
    releaseCrdsBySource.set(release.source, crds);
    releaseKinds.set(release.source, crdKinds(crds));
  }
  const providedTo = (waitsFor: Set<string>): { namespaces: string[]; kinds: string[] } => {
    const namespaces: string[] = [];
    const kinds: string[] = [];
    for (const release of plan.releases) {
      const providers = plan.releaseProviders.get(release.source) ?? [];
      if (!providers.some(p => waitsFor.has(p))) continue;
      if (release.createNamespace) namespaces.push(release.namespace);
      kinds.push(...(releaseKinds.get(release.source) ?? []));
    }
    return { namespaces, kinds };
  };

  // Step 1: what the engine applies first (it may only use what step 0 made).
  await applyUnits(api, 'step 1', plan.first, plan.fieldManager, outcome, () => ({
    namespaces: new Set(baseNamespaces),
    kinds: new Set(baseKinds),
  }));

  // Step 2: the operator releases bring their CRDs and namespaces.
  if (!options.skipReleases) {
    const started = Date.now();
    for (const release of plan.releases) {
      // A HelmRelease whose HelmRepository is not in the cluster never installs anything.
      const source = release.chartSource;
      if (source === undefined) continue;
      const mapping = await api.mapping(String(source.apiVersion), String(source.kind));
      const found =
        mapping === undefined
          ? undefined
          : await api.request(
              'GET',
              KubeApi.pathOf(mapping, source.metadata?.namespace, source.metadata?.name),
            );
      if (found?.status !== 200) {
        outcome.failures.push(
          `step 2: ${release.source}: its chart source ${describeObject(source)} is not in the ` +
            'cluster, so the release would install nothing',
        );
      }
    }
    const crds = plan.releases.flatMap(r => releaseCrdsBySource.get(r.source) ?? []);
    await installCrdObjects(api, crds);
    outcome.releaseCrds.push(...crds.map(c => (c.metadata as { name: string }).name).sort());
    for (const release of plan.releases) {
      if (!release.createNamespace) continue;
      await ensureNamespace(api, release.namespace, 'helm');
      outcome.releaseNamespaces.push(release.namespace);
    }
    // Each release writes one stand-in object into every namespace its chart writes into. It
    // may count only on its own namespace (createNamespace), the system and bootstrap ones, and
    // the namespaces the units it installs after emit.
    const emittedFirst = new Map(
      plan.first.map(unit => [
        unit.name,
        unit.objects.filter(o => o.kind === 'Namespace').map(o => String(o.metadata?.name)),
      ]),
    );
    for (const release of plan.releases) {
      const made = new Set([
        ...baseNamespaces,
        ...(release.createNamespace ? [release.namespace] : []),
        ...release.waitsFor.flatMap(unit => emittedFirst.get(unit) ?? []),
      ]);
      for (const namespace of releaseWriteNamespaces(release)) {
        const standIn = releaseStandIn(release, namespace);
        const what = `step 2: ${release.source}: stand-in ${describeObject(standIn)}`;
        const error = await applyObject(api, standIn, 'helm');
        if (error !== undefined) {
          outcome.failures.push(`${what}: ${error}`);
          continue;
        }
        outcome.releaseStandIns.push(`${namespace}/${String(standIn.metadata?.name)}`);
        if (!made.has(namespace)) {
          outcome.failures.push(
            `${what}: ordering gap: namespace ${namespace} is made neither by the release nor by ` +
              'anything it installs after (accepted only because something else ran first)',
          );
        }
      }
    }
    outcome.log.push(
      `step 2: ${plan.releases.length} releases (${plan.releases.map(r => r.chart).join(', ')}): ` +
        `${crds.length} CRDs, namespaces ${outcome.releaseNamespaces.join(', ')}, ` +
        `${outcome.releaseStandIns.length} stand-in objects in ${Date.now() - started} ms`,
    );
  }

  // Step 3: the platform layer in dependsOn order; each unit may use only what it waits for.
  const allUnits = [...plan.first, ...plan.platform];
  const emitted = new Map(
    allUnits.map(unit => [
      unit.name,
      unit.objects.filter(o => o.kind === 'Namespace').map(o => String(o.metadata?.name)),
    ]),
  );
  await applyUnits(
    api,
    'step 3',
    dependencyOrder(plan.platform),
    plan.fieldManager,
    outcome,
    unit => {
      const waitsFor = closureOf(unit.name, allUnits);
      const fromReleases = providedTo(waitsFor);
      const namespaces = new Set([
        ...baseNamespaces,
        ...fromReleases.namespaces,
        ...[...waitsFor].flatMap(name => emitted.get(name) ?? []),
      ]);
      return { namespaces, kinds: new Set([...baseKinds, ...fromReleases.kinds]) };
    },
  );
  return outcome;
}
