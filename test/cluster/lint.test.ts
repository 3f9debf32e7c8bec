/**
 * The manifest scanners platform teams run, over what synth writes for every spec of the tier and
 * over the pods Strimzi will create from it (scan-targets.ts, strimzi-pods.ts): kube-score,
 * kube-linter (`.kube-linter.yaml`), Polaris (`.polaris.yaml`) and Checkov (`.checkov.yaml`).
 *
 * Zero findings without a written reason: each tool runs without its exceptions, and a finding
 * passes only when an exception in that tool's one place covers its check on that object
 * (scanner-exceptions.ts). A new finding fails; so does an exception whose scope no longer
 * occurs. Every run prints, per tool, how many findings there were and how many were excepted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from './kube-api';
import { writeScanTargets, type ScanTarget } from './scan-targets';
import {
  ExceptionLedger,
  readExceptions,
  withoutBlock,
  type ScannerException,
  type Subject,
} from './scanner-exceptions';
import { describeObject } from './synth-objects';
import { REPO, toolPath } from './tools';

/**
 * kube-score's exceptions (kube-score reads no configuration file, so they live here), each with
 * its scope and reason; the same scope words as the other tools' files. `--ignore-container-cpu-
 * limit` is passed as well: pods request CPU and have no CPU limit on purpose.
 */
export const KUBE_SCORE_EXCEPTIONS: readonly Omit<ScannerException, 'where'>[] = [
  {
    check: 'container-image-pull-policy',
    scopes: ['all'],
    reason:
      'images use release tags (digests where verified, charts/operators/versions.ts); Always ' +
      'adds a registry round-trip and a registry dependency to every restart, each broker move ' +
      'included',
  },
  {
    check: 'networkpolicy-targets-pod',
    scopes: [
      'NetworkPolicy/strimzi/default-deny',
      'NetworkPolicy/strimzi/allow-dns',
      'NetworkPolicy/strimzi/allow-api-server',
      'NetworkPolicy/strimzi/allow-kafka',
      'NetworkPolicy/strimzi/allow-metrics-scrape',
    ],
    reason:
      "the operator namespace's policies select the Strimzi Cluster Operator's pods, which its " +
      'Helm release creates (not in the synth output); kube-score only sees the files',
  },
  {
    check: 'deployment-has-host-podantiaffinity',
    scopes: ['Deployment/kafka-autoscaler', 'Deployment/strimzi-drain-cleaner'],
    reason:
      'replicas spread by a required hostname topology spread (maxSkew 1, DoNotSchedule) ' +
      'instead, which hostSpreadFindings below enforces; required anti-affinity would stall ' +
      'rollouts on a two-node system nodegroup',
  },
  {
    check: 'container-security-context-readonlyrootfilesystem',
    scopes: ['strimzi-brokers'],
    reason:
      "the brokers' kafka-init container keeps the restricted provider's context, which has no " +
      "readOnlyRootFilesystem; Strimzi's read-only-root system test covers the kafka container " +
      'only, which has it (charts/kafka/node-pools.ts)',
  },
  {
    check: 'container-security-context-user-group-id',
    scopes: ['strimzi-pods'],
    reason:
      "the containers run as the Strimzi images' user, UID 1001, under runAsNonRoot; a " +
      'runAsUser of 10000 or more is not what the images are built and tested with, and no ' +
      'Kafka runs here to try it',
  },
  {
    check: 'container-ephemeral-storage-request-and-limit',
    scopes: ['strimzi-pods'],
    reason:
      'Kafka writes to its volume and to memory-backed emptyDirs only; an ephemeral-storage ' +
      'limit would let a log burst evict a broker, a move nobody planned',
  },
  {
    check: 'pod-networkpolicy',
    scopes: ['strimzi-pods'],
    reason:
      "Strimzi writes the Kafka pods' ingress NetworkPolicy itself (not in the synth output); " +
      'their egress is not restricted',
  },
];

let outDir: string;
let targets: ScanTarget[] = [];
/** `namespace/name` of every rendered Strimzi pod, with its role. */
const strimziRoles = new Map<string, 'broker' | 'controller'>();

beforeAll(() => {
  outDir = mkdtempSync(join(tmpdir(), 'kafka-eks-lint-'));
  const root = join(outDir, 'targets');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root);
  targets = writeScanTargets(root);
  for (const { objects } of targets) {
    for (const object of objects) {
      const labels = (object.metadata?.labels ?? {}) as Record<string, string>;
      if (object.kind !== 'Pod' || labels['strimzi.io/kind'] !== 'Kafka') continue;
      strimziRoles.set(
        `${object.metadata?.namespace}/${object.metadata?.name}`,
        labels['strimzi.io/broker-role'] === 'true' ? 'broker' : 'controller',
      );
    }
  }
});

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function subject(kind: string, name: string, namespace: string | undefined): Subject {
  const role = kind === 'Pod' ? strimziRoles.get(`${namespace ?? ''}/${name}`) : undefined;
  return { kind, name, namespace, strimziRole: role };
}

/** Runs a scanner from `cwd` (default: the temporary folder, where no tool finds a config). */
function run(binary: string, args: string[], cwd: string = outDir): string {
  const result = spawnSync(binary, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error !== undefined) throw result.error;
  // 0: clean, 1: findings (kube-linter, Checkov); anything else is the tool failing.
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`${binary} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}

/** One finding as a line: `check: Kind namespace/name: message`. */
interface Finding {
  readonly check: string;
  readonly subject: Subject;
  readonly line: string;
}

/**
 * Splits `findings` (per spec label) into excepted and unexplained, reports counts on stderr, and
 * returns what must be empty: unexplained findings (each once, with the specs it occurs in unless
 * all) and stale exceptions.
 */
function judge(
  tool: string,
  ledger: ExceptionLedger,
  findings: ReadonlyArray<{ label: string; finding: Finding }>,
): { unexplained: string[]; stale: string[] } {
  const unexplained = new Map<string, Set<string>>();
  let excepted = 0;
  for (const { label, finding } of findings) {
    if (ledger.covers(finding.check, finding.subject)) {
      excepted += 1;
      continue;
    }
    unexplained.set(finding.line, (unexplained.get(finding.line) ?? new Set()).add(label));
  }
  process.stderr.write(
    `[scanners] ${tool}: ${findings.length} findings over ${targets.length} specs, ` +
      `${excepted} covered by written exceptions, ${findings.length - excepted} unexplained\n`,
  );
  return {
    unexplained: [...unexplained].map(([line, labels]) =>
      labels.size === targets.length ? line : `${line} [${[...labels].join(' | ')}]`,
    ),
    stale: ledger.stale(),
  };
}

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
 * What kube-score's `deployment-has-host-podantiaffinity` and kube-linter's `no-anti-affinity`
 * want, read the way our charts say it: a workload with two or more replicas never puts two of
 * them on one node, by required pod anti-affinity or by a `DoNotSchedule` hostname spread with
 * `maxSkew: 1`.
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

interface ContainerLike {
  name: string;
  securityContext?: { readOnlyRootFilesystem?: boolean };
  resources?: { limits?: Record<string, unknown> };
}

/** The pod spec of a Pod or of a workload's pod template, else undefined. */
function podSpecOf(
  o: KubeObject,
): { containers?: ContainerLike[]; initContainers?: ContainerLike[] } | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (spec === undefined) return undefined;
  if (o.kind === 'Pod') return spec;
  const template = (
    o.kind === 'CronJob'
      ? (spec.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec
          ?.template
      : (spec.template as { spec?: unknown } | undefined)
  ) as { spec?: unknown } | undefined;
  return template?.spec as ReturnType<typeof podSpecOf>;
}

/**
 * Two rules the scanners' per-object exceptions cannot hold on their own, because the same object
 * also carries an excepted finding for another container or the exception is `all`:
 * - no container has a CPU limit (the `cpuLimitsMissing` / `CKV_K8S_11` exceptions are the
 *   design, docs/cluster-tier.md; a CPU limit added to brokers would pass every scanner);
 * - every container has a read-only root filesystem, except the brokers' Strimzi `kafka-init`
 *   (the one `strimzi-brokers` exception; the broker's `kafka` container must still have it).
 */
export function containerRuleFindings(objects: readonly KubeObject[]): string[] {
  return objects.flatMap(o => {
    const pod = podSpecOf(o);
    if (pod === undefined) return [];
    const strimzi =
      o.kind === 'Pod' &&
      (o.metadata?.labels as Record<string, string> | undefined)?.['strimzi.io/kind'] === 'Kafka';
    return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].flatMap(c => {
      const where = `${describeObject(o)} container ${c.name}`;
      const found: string[] = [];
      if (c.resources?.limits?.cpu !== undefined) {
        found.push(`cpu-limit: ${where}: limits.cpu ${String(c.resources.limits.cpu)}; remove it`);
      }
      if (
        c.securityContext?.readOnlyRootFilesystem !== true &&
        !(strimzi && c.name === 'kafka-init')
      ) {
        found.push(`read-only-root: ${where}: securityContext.readOnlyRootFilesystem is not true`);
      }
      return found;
    });
  });
}

describe('container rules behind the written exceptions', () => {
  it('no container has a CPU limit; every one but kafka-init has a read-only root', () => {
    const found = targets.flatMap(({ label, objects }) =>
      containerRuleFindings(objects).map(f => `${f} [${label}]`),
    );
    expect(found).toEqual([]);
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

describe('kube-score', () => {
  it('finds nothing without a written reason, and every multi-replica workload spreads', () => {
    const kubeScore = toolPath('kube-score');
    expect(kubeScore).toBeDefined();
    const ledger = new ExceptionLedger(
      KUBE_SCORE_EXCEPTIONS.map(e => ({ ...e, where: 'KUBE_SCORE_EXCEPTIONS' })),
    );
    const findings: Array<{ label: string; finding: Finding }> = [];
    const spread: string[] = [];
    for (const { label, dir, objects } of targets) {
      const files = readdirSync(dir).map(f => join(dir, f));
      const stdout = run(kubeScore ?? 'kube-score', [
        'score',
        '--output-format',
        'json',
        '--ignore-container-cpu-limit',
        ...files,
      ]);
      for (const o of JSON.parse(stdout) as KubeScoreObject[]) {
        const what = describeObject({
          kind: o.type_meta.kind,
          metadata: { name: o.object_meta.name, namespace: o.object_meta.namespace },
        });
        const about = subject(o.type_meta.kind, o.object_meta.name, o.object_meta.namespace);
        for (const c of o.checks) {
          if (c.skipped || c.grade <= 0 || c.grade > KUBE_SCORE_WARNING) continue;
          const comments = (c.comments ?? []).map(m => `${m.path} ${m.summary}`.trim());
          const line = `${c.check.id}: ${what}: ${comments.join('; ')}`;
          findings.push({ label, finding: { check: c.check.id, subject: about, line } });
        }
      }
      spread.push(...hostSpreadFindings(objects).map(f => `${f} [${label}]`));
    }
    const { unexplained, stale } = judge('kube-score', ledger, findings);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
    expect(spread).toEqual([]);
  });
});

/** The tool's binary, or undefined with one line on stderr saying why the test skips. */
function optionalTool(
  tool: 'kube-linter' | 'polaris' | 'checkov',
  why: string,
): string | undefined {
  const path = toolPath(tool);
  if (path === undefined) process.stderr.write(`skipping ${tool}: ${why}\n`);
  return path;
}

const kubeLinter = optionalTool(
  'kube-linter',
  'no ../shared/tools-src/kube-linter-<version>.tar.gz (see scripts/cluster/build.sh)',
);

interface KubeLinterReport {
  Reports: Array<{
    Check: string;
    Diagnostic: { Message: string };
    Object: {
      K8sObject: { Name: string; Namespace: string; GroupVersionKind: { Kind: string } };
    };
  }> | null;
}

const KUBE_LINTER_CONFIG = join(REPO, '.kube-linter.yaml');
const KUBE_LINTER_EXCLUDE = /^\s+exclude:\s*$/;

(kubeLinter === undefined ? describe.skip : describe)('kube-linter', () => {
  it('finds nothing without a written reason (.kube-linter.yaml)', () => {
    const ledger = new ExceptionLedger(
      readExceptions(KUBE_LINTER_CONFIG, KUBE_LINTER_EXCLUDE, /^\s*-\s*([a-z0-9-]+)\s*$/),
    );
    // kube-linter finds its configuration by name and extension: a folder of its own.
    const configDir = mkdtempSync(join(outDir, 'kube-linter-'));
    const config = join(configDir, 'config.yaml');
    writeFileSync(
      config,
      withoutBlock(readFileSync(KUBE_LINTER_CONFIG, 'utf8'), KUBE_LINTER_EXCLUDE),
    );
    const findings: Array<{ label: string; finding: Finding }> = [];
    for (const { label, dir } of targets) {
      const stdout = run(kubeLinter ?? 'kube-linter', [
        'lint',
        '--config',
        config,
        '--format',
        'json',
        dir,
      ]);
      for (const r of (JSON.parse(stdout) as KubeLinterReport).Reports ?? []) {
        const o = r.Object.K8sObject;
        const kind = o.GroupVersionKind.Kind;
        const namespace = o.Namespace === '' ? undefined : o.Namespace;
        const what = describeObject({ kind, metadata: { name: o.Name, namespace } });
        findings.push({
          label,
          finding: {
            check: r.Check,
            subject: subject(kind, o.Name, namespace),
            line: `${r.Check}: ${what}: ${r.Diagnostic.Message}`,
          },
        });
      }
    }
    const { unexplained, stale } = judge('kube-linter', ledger, findings);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
  });
});

const polaris = optionalTool(
  'polaris',
  'no ../shared/tools-src/polaris-<version>.tar.gz (see scripts/cluster/build.sh)',
);

interface PolarisResultSet {
  [check: string]: { Success: boolean; Severity: string; Message: string };
}

interface PolarisReport {
  Results: Array<{
    Name: string;
    Namespace: string;
    Kind: string;
    Results: PolarisResultSet | null;
    PodResult?: {
      Results: PolarisResultSet | null;
      ContainerResults: Array<{ Name: string; Results: PolarisResultSet | null }> | null;
    } | null;
  }> | null;
}

const POLARIS_CONFIG = join(REPO, '.polaris.yaml');
const POLARIS_IGNORE = /^\s+([A-Za-z]+):\s*ignore\s*$/;

(polaris === undefined ? describe.skip : describe)('Polaris', () => {
  it('finds nothing without a written reason (.polaris.yaml)', () => {
    const ledger = new ExceptionLedger(
      readExceptions(POLARIS_CONFIG, /^checks:\s*$/, POLARIS_IGNORE),
    );
    // Every ignored check runs at warning; only its written scope may excuse a finding.
    const config = join(outDir, 'polaris.yaml');
    writeFileSync(
      config,
      readFileSync(POLARIS_CONFIG, 'utf8')
        .split('\n')
        .map(line => line.replace(/^(\s+[A-Za-z]+):\s*ignore\s*$/, '$1: warning'))
        .join('\n'),
    );
    const findings: Array<{ label: string; finding: Finding }> = [];
    for (const { label, dir } of targets) {
      const stdout = run(polaris ?? 'polaris', [
        'audit',
        '--config',
        config,
        '--audit-path',
        dir,
        '--format',
        'json',
        '--only-show-failed-tests',
        '--set-exit-code-on-danger=false',
      ]);
      for (const r of (JSON.parse(stdout) as PolarisReport).Results ?? []) {
        const namespace = r.Namespace === '' ? undefined : r.Namespace;
        const what = describeObject({ kind: r.Kind, metadata: { name: r.Name, namespace } });
        const about = subject(r.Kind, r.Name, namespace);
        const add = (set: PolarisResultSet | null, where: string): void => {
          for (const [check, result] of Object.entries(set ?? {})) {
            if (result.Success) continue;
            const line = `${check} (${result.Severity}): ${where}: ${result.Message}`;
            findings.push({ label, finding: { check, subject: about, line } });
          }
        };
        add(r.Results, what);
        add(r.PodResult?.Results ?? null, what);
        for (const container of r.PodResult?.ContainerResults ?? []) {
          add(container.Results, `${what} container ${container.Name}`);
        }
      }
    }
    const { unexplained, stale } = judge('Polaris', ledger, findings);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
  });
});

const checkov = optionalTool(
  'checkov',
  'python3 is not installed (scripts/peers/install-checkov.sh)',
);

interface CheckovReport {
  results: {
    failed_checks: Array<{
      check_id: string;
      check_name: string;
      resource: string;
      file_path: string;
    }>;
  };
}

const CHECKOV_CONFIG = join(REPO, '.checkov.yaml');

(checkov === undefined ? describe.skip : describe)('Checkov', () => {
  it('finds nothing without a written reason (.checkov.yaml)', () => {
    const ledger = new ExceptionLedger(
      readExceptions(CHECKOV_CONFIG, /^skip-check:\s*$/, /^\s*-\s*(CKV\w+)\s*$/),
    );
    // One run over every spec's folder (Checkov's start-up dominates); no skip list, and a
    // working directory without `.checkov.yaml` (Checkov reads one from there by itself).
    const root = join(outDir, 'targets');
    const stdout = run(checkov ?? 'checkov', [
      '--directory',
      root,
      '--framework',
      'kubernetes',
      '--skip-download',
      '--output',
      'json',
      '--quiet',
      '--compact',
    ]);
    const parsed = JSON.parse(stdout) as CheckovReport | CheckovReport[] | Record<string, never>;
    const reports = Array.isArray(parsed) ? parsed : 'results' in parsed ? [parsed] : [];
    const labelOf = new Map(targets.map(t => [t.dir.slice(root.length + 1), t.label]));
    const findings: Array<{ label: string; finding: Finding }> = [];
    for (const report of reports) {
      for (const failed of report.results.failed_checks) {
        // `resource` is `Kind.namespace.name` (names have no dots here).
        const [kind = '', namespace, ...rest] = failed.resource.split('.');
        const name = rest.length > 0 ? rest.join('.') : (namespace ?? '');
        const ns = rest.length > 0 ? namespace : undefined;
        const what = describeObject({ kind, metadata: { name, namespace: ns } });
        const specDir = failed.file_path.replace(/^\//, '').split('/')[0] ?? '';
        findings.push({
          label: labelOf.get(specDir) ?? specDir,
          finding: {
            check: failed.check_id,
            subject: subject(kind, name, ns),
            line: `${failed.check_id}: ${what}: ${failed.check_name}`,
          },
        });
      }
    }
    const { unexplained, stale } = judge('Checkov', ledger, findings);
    expect(unexplained).toEqual([]);
    expect(stale).toEqual([]);
  });
});
