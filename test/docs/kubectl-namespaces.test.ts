/**
 * Every `kubectl` command of the documentation that names a namespaced object (a pod, a
 * Deployment, a Certificate, a `Kafka`, ...: by name, as `type/name`, or by `-l` selector) gives
 * its namespace (`-n`, `--namespace`, or `-A`). None of the platform's objects lives in the
 * `default` namespace, so such a command run as written answers NotFound, or finds nothing, where
 * the reader is in a hurry (a runbook). Docs walk s34-c: docs/runbooks/drain-cleaner-webhook.md
 * gave `kubectl describe certificate strimzi-drain-cleaner` and
 * `kubectl logs deploy/strimzi-drain-cleaner` without `-n`.
 *
 * Cluster-scoped kinds are Kubernetes' own list (nodes, namespaces, CRDs, storage classes,
 * webhook configurations, cluster roles, persistent volumes, priority classes), plus every CRD of
 * `../shared/crds` with `scope: Cluster`. `apply`, `diff`, `create -f` / `-k` and `kustomize` take
 * the namespace from the manifests and are not checked; a bare mention (`kubectl describe pod`, no
 * object named) neither.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CRDS_DIR } from '../util/crd-validator';
import { documentationFiles, REPO_ROOT } from '../util/documented-pulumi';
import { markdownCodeSpans } from '../util/markdown-spans';

/** Kubernetes' cluster-scoped resources, by every name kubectl takes for them. */
const BUILT_IN_CLUSTER_SCOPED = [
  'node nodes no',
  'namespace namespaces ns',
  'customresourcedefinition customresourcedefinitions crd crds',
  'storageclass storageclasses sc',
  'persistentvolume persistentvolumes pv',
  'clusterrole clusterroles',
  'clusterrolebinding clusterrolebindings',
  'validatingwebhookconfiguration validatingwebhookconfigurations',
  'mutatingwebhookconfiguration mutatingwebhookconfigurations',
  'priorityclass priorityclasses pc',
  'csidriver csidrivers csinode csinodes volumeattachment volumeattachments',
  'apiservice apiservices ingressclass ingressclasses runtimeclass runtimeclasses',
].flatMap(names => names.split(' '));

/** Names of the cluster-scoped custom resources (`clusterissuers`, ...) in the CRD folder. */
function clusterScopedCustomResources(): string[] {
  if (!existsSync(CRDS_DIR)) return [];
  const names: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry)) {
        for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
          const crd = document.toJS() as {
            kind?: string;
            spec?: {
              scope?: string;
              group?: string;
              names?: { plural?: string; singular?: string; shortNames?: string[] };
            };
          } | null;
          if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.scope !== 'Cluster') continue;
          const { plural, singular, shortNames = [] } = crd.spec.names ?? {};
          for (const name of [plural, singular, ...shortNames]) {
            if (name !== undefined) names.push(name, `${name}.${crd.spec.group}`);
          }
        }
      }
    }
  };
  walk(CRDS_DIR);
  return names;
}

const CLUSTER_SCOPED = new Set([...BUILT_IN_CLUSTER_SCOPED, ...clusterScopedCustomResources()]);

/** Verbs that take the namespace from the manifests, or address no object. */
const UNCHECKED_VERBS = new Set([
  'apply',
  'diff',
  'create',
  'kustomize',
  'drain',
  'cordon',
  'uncordon',
  'config',
  'version',
  'api-resources',
  'explain',
  'wait',
]);

/** Options of kubectl whose value is the next word. */
const VALUE_OPTIONS = new Set([
  '-o',
  '--output',
  '-c',
  '--container',
  '-L',
  '--label-columns',
  '--field-selector',
  '--replicas',
  '--sort-by',
  '--since',
  '--tail',
  '-f',
  '--filename',
  '-k',
]);

/** One documented kubectl command. */
interface KubectlCommand {
  readonly file: string;
  readonly line: number;
  readonly words: readonly string[];
}

/** Every kubectl command of the docs: lines of shell code blocks and code spans. */
function documentedKubectlCommands(): KubectlCommand[] {
  const commands: KubectlCommand[] = [];
  for (const file of documentationFiles()) {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8');
    const pieces: Array<[number, string]> = [];
    let fence: string | undefined;
    const lines = text.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const opening = /^\s*```\s*(\S*)/.exec(lines[index]!);
      if (opening !== null) {
        fence = fence === undefined ? opening[1] : undefined;
        continue;
      }
      if (fence === undefined || !['sh', 'bash', 'shell', 'console'].includes(fence)) continue;
      let code = lines[index]!.replace(/(^|\s)#.*$/, '');
      const line = index + 1;
      while (code.endsWith('\\') && index + 1 < lines.length) {
        code = `${code.slice(0, -1)} ${lines[++index]!.replace(/(^|\s)#.*$/, '')}`;
      }
      pieces.push([line, code]);
    }
    for (const span of markdownCodeSpans(text)) pieces.push([span.line, span.code]);
    for (const [line, code] of pieces) {
      for (const segment of code.split(/&&|\|\||;|\||\$\(/)) {
        const words = Array.from(
          segment.trim().matchAll(/(?:<[^>]*>|"[^"]*"|'[^']*'|[^\s<"'])+/g),
          match => match[0],
        );
        if (words[0] === 'kubectl') commands.push({ file, line, words });
      }
    }
  }
  return commands;
}

/**
 * The namespaced object a kubectl command names, or undefined when it names none, names a
 * cluster-scoped one or gives a namespace.
 */
function namespacedTargetWithoutNamespace(words: readonly string[]): string | undefined {
  const positional: string[] = [];
  let selector = false;
  for (let index = 1; index < words.length; index++) {
    const word = words[index]!;
    if (/^(-n|--namespace)(=|$)/.test(word) || word === '-A' || word === '--all-namespaces')
      return undefined;
    if (word === '-l' || word === '--selector' || word.startsWith('--selector=')) {
      selector = true;
      if (!word.includes('=')) index++;
      continue;
    }
    if (word === '--') break;
    if (VALUE_OPTIONS.has(word)) {
      index++;
      continue;
    }
    if (word.startsWith('-')) continue;
    positional.push(word);
  }
  const [verb, target, name] = positional;
  if (verb === undefined || target === undefined || UNCHECKED_VERBS.has(verb)) return undefined;
  if (verb === 'rollout' || verb === 'set') {
    // `kubectl rollout restart deploy/x`, `kubectl set env deployment/x ...`
    return namespacedTargetWithoutNamespace(['kubectl', ...positional.slice(1)]);
  }
  if (target.includes('/')) {
    const type = target.split('/')[0]!;
    return CLUSTER_SCOPED.has(type.toLowerCase()) ? undefined : target;
  }
  if (verb === 'logs' || verb === 'exec' || verb === 'port-forward' || verb === 'cp') {
    return target; // a pod by name
  }
  const types = target.split(',');
  if (types.every(type => CLUSTER_SCOPED.has(type.toLowerCase()))) return undefined;
  // `kubectl get pods` alone lists the default namespace: a mention unless it names or selects.
  return name !== undefined || selector
    ? `${target}${name === undefined ? '' : ` ${name}`}`
    : undefined;
}

describe('documented kubectl commands', () => {
  const commands = documentedKubectlCommands();

  it('finds the runbooks’ kubectl commands', () => {
    expect(
      commands.filter(command => command.file.startsWith('docs/runbooks/')).length,
    ).toBeGreaterThan(10);
  });

  it('give the namespace of every namespaced object they name', () => {
    const missing = commands.flatMap(command => {
      const target = namespacedTargetWithoutNamespace(command.words);
      return target === undefined
        ? []
        : [
            `${command.file}:${command.line}: ${command.words.join(' ')} (${target}): add -n <namespace>`,
          ];
    });
    expect(missing).toEqual([]);
  });

  it.each([
    ['kubectl logs deploy/strimzi-drain-cleaner', 'deploy/strimzi-drain-cleaner'],
    ['kubectl describe certificate strimzi-drain-cleaner', 'certificate strimzi-drain-cleaner'],
    ['kubectl -n x describe certificate strimzi-drain-cleaner', undefined],
    ['kubectl get pods -l strimzi.io/cluster=<cluster>', 'pods'],
    ['kubectl get nodes -l kafka.platform/nodegroup=<name>-kafka', undefined],
    ['kubectl annotate node <node> kafka.platform/autoscaler-cordoned-', undefined],
    ['kubectl get crd kafkas.kafka.strimzi.io -o yaml', undefined],
    ['kubectl describe pod', undefined],
    ['kubectl set env deployment/kafka-autoscaler DRY_RUN=true', 'deployment/kafka-autoscaler'],
    ['kubectl apply -k dist/storage', undefined],
    ['kubectl get svc --namespace=kafka', undefined],
  ])('%s -> %s', (text, expected) => {
    expect(namespacedTargetWithoutNamespace(text.split(' '))).toBe(expected);
  });
});
