/**
 * Linters over the synthesized output, as the field runs them: kube-linter with the checked-in
 * `.kube-linter.yaml`, and kube-score. Both see the YAML files synth would write, for every spec
 * of the tier. Findings must be zero; a check is switched off only with its reason written down.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { allSpecs } from './specs';
import type { KubeObject } from './kube-api';
import { describeObject, synthObjects } from './synth-objects';
import { REPO, toolPath } from './tools';

/**
 * kube-score tests that do not apply to this platform, each with its reason. `--ignore-container-
 * cpu-limit` is passed as well: pods request CPU and have no CPU limit on purpose (DESIGN.md).
 */
export const KUBE_SCORE_IGNORED: Readonly<Record<string, string>> = {
  'container-image-pull-policy':
    'images are pinned to release tags and pulled without image pull secrets; `Always` only ' +
    'adds a registry round-trip to every restart, including every broker move',
  'networkpolicy-targets-pod':
    'most pods our NetworkPolicies select are not in the synth output: Strimzi creates the ' +
    'broker and controller pods from the Kafka resource, Helm releases create the operators; ' +
    'kube-score only sees the files, so it cannot match them',
  'deployment-has-host-podantiaffinity':
    'kube-score reads only podAntiAffinity; our charts spread replicas with topology spread ' +
    'constraints instead, and `hostSpreadFindings` below checks those for the same guarantee',
};

/**
 * Open kube-score findings, reported to the owners of the charts and listed here so the tier
 * stays green while they are open; every run prints them. A finding not listed fails the test.
 * Remove an entry when its fix lands (a listed finding that no longer occurs is reported).
 */
export const KUBE_SCORE_OPEN_FINDINGS: readonly string[] = [];

let outDir: string;
/** One folder per spec, one YAML file per component, as synth writes them. */
const specDirs: Array<{ label: string; dir: string; objects: KubeObject[] }> = [];

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'kafka-eks-lint-'));
  allSpecs().forEach(({ label, loaded }, index) => {
    const dir = join(outDir, `spec-${index}`);
    mkdirSync(dir);
    const byComponent = new Map<string, string[]>();
    const objects: KubeObject[] = [];
    for (const { component, object } of synthObjects(loaded)) {
      const docs = byComponent.get(component) ?? [];
      docs.push(stringify(object, { lineWidth: 0 }));
      byComponent.set(component, docs);
      objects.push(object);
    }
    for (const [component, docs] of byComponent) {
      writeFileSync(join(dir, `${component}.yaml`), `# ${label}\n${docs.join('---\n')}`);
    }
    specDirs.push({ label, dir, objects });
  });
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function run(binary: string, args: string[]): string {
  const result = spawnSync(binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw result.error;
  if (result.stderr.trim() !== '') process.stderr.write(result.stderr);
  return result.stdout;
}

/** Findings that every spec shares are reported once, with the specs they occur in. */
function summarize(findings: ReadonlyMap<string, Set<string>>, specCount: number): string[] {
  return [...findings].map(([finding, specs]) =>
    specs.size === specCount ? finding : `${finding} [${[...specs].join(' | ')}]`,
  );
}

const kubeLinter = toolPath('kube-linter');
if (kubeLinter === undefined) {
  process.stderr.write(
    'skipping kube-linter: the Go module proxy does not serve golang.stackrox.io/kube-linter here\n',
  );
}

interface KubeLinterReport {
  Reports: Array<{
    Check: string;
    Diagnostic: { Message: string };
    Object: {
      K8sObject: { Name: string; Namespace: string; GroupVersionKind: { Kind: string } };
    };
  }> | null;
}

(kubeLinter === undefined ? describe.skip : describe)('kube-linter', () => {
  it('finds nothing in the synthesized output (.kube-linter.yaml)', () => {
    const findings = new Map<string, Set<string>>();
    for (const { label, dir } of specDirs) {
      const stdout = run(kubeLinter ?? 'kube-linter', [
        'lint',
        '--config',
        join(REPO, '.kube-linter.yaml'),
        '--format',
        'json',
        dir,
      ]);
      for (const r of (JSON.parse(stdout) as KubeLinterReport).Reports ?? []) {
        const o = r.Object.K8sObject;
        const what = describeObject({
          kind: o.GroupVersionKind.Kind,
          metadata: { name: o.Name, namespace: o.Namespace === '' ? undefined : o.Namespace },
        });
        const key = `${r.Check}: ${what}: ${r.Diagnostic.Message}`;
        findings.set(key, (findings.get(key) ?? new Set<string>()).add(label));
      }
    }
    expect(summarize(findings, specDirs.length)).toEqual([]);
  });
});

interface KubeScoreObject {
  readonly type_meta: { kind: string };
  readonly object_meta: { name: string; namespace?: string };
  readonly checks: Array<{
    check: { id: string };
    grade: number;
    skipped: boolean;
    comments: Array<{ path: string; summary: string }> | null;
  }>;
}

/** kube-score's grades: 1 critical, 5 warning, 7 almost OK, 10 OK. */
const KUBE_SCORE_WARNING = 5;

interface PodTemplateSpec {
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: Array<{ topologyKey: string }>;
    };
  };
  topologySpreadConstraints?: Array<{
    topologyKey: string;
    whenUnsatisfiable: string;
    maxSkew: number;
  }>;
}

/**
 * What kube-score's `deployment-has-host-podantiaffinity` wants, read the way our charts say it:
 * a workload with two or more replicas never puts two of them on one node, by required pod
 * anti-affinity or by a `DoNotSchedule` hostname spread with `maxSkew: 1`.
 */
export function hostSpreadFindings(objects: readonly KubeObject[]): string[] {
  return objects
    .filter(o => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .flatMap(o => {
      const spec = o.spec as { replicas?: number; template: { spec: PodTemplateSpec } };
      if ((spec.replicas ?? 1) < 2) return [];
      const pod = spec.template.spec;
      const antiAffinity = (
        pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
      ).some(term => term.topologyKey === 'kubernetes.io/hostname');
      const hardSpread = (pod.topologySpreadConstraints ?? []).some(
        c =>
          c.topologyKey === 'kubernetes.io/hostname' &&
          c.whenUnsatisfiable === 'DoNotSchedule' &&
          c.maxSkew === 1,
      );
      return antiAffinity || hardSpread
        ? []
        : [
            `host-spread: ${describeObject(o)}: ${spec.replicas} replicas may share a node ` +
              '(no required hostname anti-affinity, no DoNotSchedule hostname spread)',
          ];
    });
}

describe('kube-score', () => {
  it('finds nothing in the synthesized output beyond the listed open findings', () => {
    const kubeScore = toolPath('kube-score');
    expect(kubeScore).toBeDefined();
    const ignores = Object.keys(KUBE_SCORE_IGNORED).flatMap(id => ['--ignore-test', id]);
    const findings = new Map<string, Set<string>>();
    const add = (key: string, label: string): void => {
      findings.set(key, (findings.get(key) ?? new Set<string>()).add(label));
    };
    for (const { label, dir, objects } of specDirs) {
      const files = readdirSync(dir).map(f => join(dir, f));
      const stdout = run(kubeScore ?? 'kube-score', [
        'score',
        '--output-format',
        'json',
        '--ignore-container-cpu-limit',
        ...ignores,
        ...files,
      ]);
      for (const o of JSON.parse(stdout) as KubeScoreObject[]) {
        const what = describeObject({
          kind: o.type_meta.kind,
          metadata: { name: o.object_meta.name, namespace: o.object_meta.namespace },
        });
        for (const c of o.checks) {
          if (c.skipped || c.grade <= 0 || c.grade > KUBE_SCORE_WARNING) continue;
          const comments = (c.comments ?? []).map(m => `${m.path} ${m.summary}`.trim());
          add(`${c.check.id}: ${what}: ${comments.join('; ')}`, label);
        }
      }
      for (const finding of hostSpreadFindings(objects)) add(finding, label);
    }
    const all = summarize(findings, specDirs.length);
    // Open findings are listed as `check: Kind namespace/name`, without the message.
    const isListed = (finding: string): boolean =>
      KUBE_SCORE_OPEN_FINDINGS.some(open => finding.startsWith(`${open}: `));
    const listed = all.filter(isListed);
    if (listed.length > 0) {
      process.stderr.write(`kube-score: open findings (listed):\n  ${listed.join('\n  ')}\n`);
    }
    const gone = KUBE_SCORE_OPEN_FINDINGS.filter(open => !all.some(f => f.startsWith(`${open}: `)));
    if (gone.length > 0) {
      process.stderr.write(`kube-score: fixed, remove from the list:\n  ${gone.join('\n  ')}\n`);
    }
    expect(all.filter(f => !isListed(f))).toEqual([]);
  });
});
