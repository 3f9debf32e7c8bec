/**
 * The Kubernetes side of an end-to-end run, on top of the cluster tier's control plane
 * (test/cluster/control-plane.ts: etcd and kube-apiserver on 127.0.0.1): the real kube-scheduler
 * and kube-controller-manager, both with `--leader-elect=false`, and kwok, which keeps the fake
 * Nodes' heartbeats and marks pods Running and Ready.
 *
 * kwok manages only Nodes annotated `kwok.x-k8s.io/node=fake` (`--manage-nodes-with-annotation-
 * selector`). Its pod stages come from our configuration: a pod bound to a managed node turns
 * Running and Ready `brokerStartSeconds` after it was created (the broker's start and log
 * recovery), unless it carries the label `e2e-hold-readiness` (the fault "a broker never becomes
 * Ready"); a deleted pod goes away at once. Node stages are kwok's defaults, and kwok renews the
 * nodes' Leases as a kubelet does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeApi } from '../cluster/kube-api';
import type { ControlPlaneInfo } from '../cluster/control-plane';
import { e2eToolPath } from './binaries';
import { sleep, waitUntil, type ProcessGroup, type RunningProcess } from './processes';

/** Annotation that puts a Node under kwok's management. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
/** Pod label that keeps kwok from ever marking the pod Ready. */
export const HOLD_READINESS_LABEL = 'e2e-hold-readiness';

/** kwok's pod stages: Ready after `brokerStartSeconds`, never while held; deletion at once. */
export function kwokPodStages(brokerStartSeconds: number): string {
  const ready = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: e2e-pod-ready
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
      - key: '.metadata.deletionTimestamp'
        operator: 'DoesNotExist'
      - key: '.status.podIP'
        operator: 'DoesNotExist'
      - key: '.metadata.labels["${HOLD_READINESS_LABEL}"]'
        operator: 'DoesNotExist'
  delay:
    durationMilliseconds: ${Math.round(brokerStartSeconds * 1000)}
  next:
    statusTemplate: |
      {{ $now := Now }}
      conditions:
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Initialized
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: Ready
      - lastTransitionTime: {{ $now | Quote }}
        status: "True"
        type: ContainersReady
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: true
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
      hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
      podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
      phase: Running
      startTime: {{ $now | Quote }}
`;
  const remove = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: e2e-pod-delete
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
      - key: '.metadata.deletionTimestamp'
        operator: 'Exists'
  next:
    finalizers:
      empty: true
    delete: true
`;
  return `${ready}---\n${remove}`;
}

/** The running Kubernetes components besides etcd and the API server. */
export interface KubeComponents {
  readonly scheduler: RunningProcess;
  readonly controllerManager: RunningProcess;
  readonly kwok: RunningProcess;
}

/** Starts kube-scheduler, kube-controller-manager and kwok against the control plane. */
export async function startKubeComponents(
  info: ControlPlaneInfo,
  processes: ProcessGroup,
  runDir: string,
  options: {
    readonly brokerStartSeconds: number;
    /** More kube-controller-manager flags, for example a shorter `--pvclaimbinder-sync-period`. */
    readonly controllerManagerArgs?: readonly string[];
  },
): Promise<KubeComponents> {
  const kubeconfig = info.kubeconfigPath;
  const scheduler = processes.start('kube-scheduler', e2eToolPath('kube-scheduler'), [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--leader-elect=false',
    '--secure-port=0',
    '--v=2',
  ]);
  const controllerManager = processes.start(
    'kube-controller-manager',
    e2eToolPath('kube-controller-manager'),
    [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--service-account-private-key-file=${join(info.dataDir, 'sa.key')}`,
      `--root-ca-file=${join(info.dataDir, 'ca.crt')}`,
      '--use-service-account-credentials=false',
      '--controllers=*',
      '--v=1',
      ...(options.controllerManagerArgs ?? []),
    ],
  );
  const kwokConfig = join(runDir, 'kwok.yaml');
  writeFileSync(kwokConfig, kwokPodStages(options.brokerStartSeconds));
  const kwok = processes.start('kwok', e2eToolPath('kwok'), [
    `--kubeconfig=${kubeconfig}`,
    `--config=${kwokConfig}`,
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
    // Renew each managed node's Lease in kube-node-lease (a kubelet's 40 s); without it the node
    // lifecycle controller marks the nodes NotReady after its grace period.
    '--node-lease-duration-seconds=40',
    '--cidr=10.0.0.1/16',
    '--node-ip=10.0.0.1',
    '--server-address=127.0.0.1:0',
  ]);
  const api = new KubeApi(info);
  try {
    // The controller manager creates the default ServiceAccount of each namespace; its arrival
    // shows the manager is up and acting.
    await waitUntil(
      'kube-controller-manager to create the default ServiceAccount',
      async () => {
        for (const started of [scheduler, controllerManager, kwok]) {
          if (started.exited()) {
            throw new Error(`${started.name} exited; see ${started.logFile}`);
          }
        }
        const response = await api.request(
          'GET',
          '/api/v1/namespaces/default/serviceaccounts/default',
        );
        return response.status === 200;
      },
      90_000,
    );
  } finally {
    api.close();
  }
  for (const started of [scheduler, controllerManager, kwok]) {
    if (started.exited()) throw new Error(`${started.name} exited; see ${started.logFile}`);
  }
  return { scheduler, controllerManager, kwok };
}

function apiServerPid(info: ControlPlaneInfo): number {
  const port = new URL(info.server).port;
  const out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], {
    encoding: 'utf8',
  });
  for (const pidText of out.split('\n').map(line => line.trim())) {
    if (pidText === '') continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${pidText}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args[0]?.includes('kube-apiserver') && args.includes(`--secure-port=${port}`)) {
      return Number(pidText);
    }
  }
  throw new Error(`no kube-apiserver child of this process serves port ${port}`);
}

/**
 * Restarts the API server in place: SIGTERM to the running one (a child of this process, found by
 * its port; SIGKILL when it has not exited after 15 s), the same command line started again, and
 * a wait for `/readyz`. The new process joins
 * `processes`, which stops it at the end of the run. Returns the outage in milliseconds.
 */
export async function restartApiServer(
  info: ControlPlaneInfo,
  processes: ProcessGroup,
): Promise<number> {
  const pid = apiServerPid(info);
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    .split('\0')
    .filter(a => a !== '');
  const started = Date.now();
  const gone = (): boolean => {
    try {
      // A zombie (exited, not yet reaped) counts as gone.
      return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') === true;
    } catch {
      return true;
    }
  };
  process.kill(pid, 'SIGTERM');
  try {
    await waitUntil('the old kube-apiserver to exit', gone, 15_000, { everyMs: 100 });
  } catch {
    // Still draining long-running requests: end it as a crash would.
    process.kill(pid, 'SIGKILL');
    await waitUntil('the old kube-apiserver to die', gone, 15_000, { everyMs: 100 });
  }
  await sleep(1_000);
  processes.start('kube-apiserver-restarted', args[0], args.slice(1));
  const api = new KubeApi(info);
  try {
    await waitUntil(
      'the restarted kube-apiserver to be ready',
      async () => (await api.request('GET', '/readyz')).status === 200,
      120_000,
      { everyMs: 200 },
    );
  } finally {
    api.close();
  }
  return Date.now() - started;
}
