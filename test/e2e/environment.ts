/**
 * One end-to-end run's world, started in dependency order and stopped in reverse, also on
 * failure: control plane (etcd, kube-apiserver), kube-scheduler, kube-controller-manager, kwok,
 * moto and the cloud bridge, the Kafka workload from the synth output, the Strimzi stand-in, a
 * real Prometheus, the write taps and the two controller replicas. Everything binds 127.0.0.1.
 *
 * Logs, configuration, the history and the timeline of a run go to `build/e2e/<scenario>/`.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkInvariants, type HistoryEvent, type Violation } from '../controller/invariants';
import { findCrdsDir, startControlPlane, type ControlPlane } from '../cluster/control-plane';
import { KubeApi, statusMessage } from '../cluster/kube-api';
import { loadSpecFile, type LoadedSpec } from '../../spec/load';
import { REPO } from './binaries';
import { CloudBridge, startMoto, type Moto } from './cloud';
import {
  ControllerReplicas,
  compressedConfig,
  serviceAccountKubeconfig,
  serviceAccountToken,
  type CompressedTiming,
} from './controller-process';
import { startKubeComponents, type KubeComponents } from './kube-components';
import { ProcessGroup, processTreeRssMiB, waitUntil } from './processes';
import { startPrometheus, type Prometheus } from './prometheus';
import { RunRecorder, type Timeline } from './recorder';
import { StrimziStandIn, type StandInTiming } from './strimzi-stand-in';
import { applyKafkaWorkload, synthParts } from './workload';
import { autoScalingWrites, kubernetesWrites, startWriteTap, type WriteTap } from './write-tap';

/** Everything a scenario may tune; the defaults compress a day into a few minutes. */
export interface RunOptions {
  /** Spec file, relative to the repository. @default 'stacks/prod.yaml' */
  readonly specFile?: string;
  /** Seconds from an instance appearing to its Node registering. @default 20 */
  readonly launchDelaySeconds?: number;
  /** Seconds from a broker pod's creation to Ready (its restart). @default 8 */
  readonly brokerStartSeconds?: number;
  /** The Strimzi stand-in's timing. */
  readonly standIn?: Partial<StandInTiming>;
  /** The controller's compressed timing. */
  readonly controller?: Partial<CompressedTiming>;
  /** Demand per zone at the start, MiB/s. @default 60 */
  readonly initialZoneMiBps?: number;
  /** Controller replicas to start. @default 2 */
  readonly controllerReplicas?: number;
}

export const DEFAULT_TIMING: CompressedTiming = {
  intervalSeconds: 2,
  scaleInStabilizationSeconds: 20,
  staleAfterSeconds: 15,
  moveTimeoutSeconds: 45,
  nodeReadyTimeoutSeconds: 90,
  leaseDurationSeconds: 6,
  rateWindowSeconds: 10,
  autoscalingMutationIntervalSeconds: 2,
  watchQuietLimitSeconds: 5,
  operationPhaseTimeoutSeconds: 120,
};

export const DEFAULT_STAND_IN: StandInTiming = {
  reconcileSeconds: 1,
  catchUpSeconds: 3,
  rollTimeoutSeconds: 40,
};

/** A started run. */
export interface E2eRun {
  readonly scenario: string;
  readonly runDir: string;
  readonly loaded: LoadedSpec;
  readonly controlPlane: ControlPlane;
  readonly kube: KubeComponents;
  readonly api: KubeApi;
  readonly moto: Moto;
  readonly bridge: CloudBridge;
  readonly standIn: StrimziStandIn;
  readonly prometheus: Prometheus;
  readonly controllers: ControllerReplicas;
  readonly recorder: RunRecorder;
  readonly processes: ProcessGroup;
  /** The taps in front of the API server and moto (their writes, and hooks on them). */
  readonly kubeTap: WriteTap;
  readonly motoTap: WriteTap;
  readonly timing: CompressedTiming;
  readonly standInTiming: StandInTiming;
  readonly launchDelaySeconds: number;
  readonly brokerStartSeconds: number;
  /** Writes the history and the timeline; returns the invariant violations. */
  finish(): Promise<{ readonly violations: readonly Violation[]; readonly timeline: Timeline }>;
  stop(): Promise<void>;
}

/** `build/e2e/<scenario>`, emptied. */
function runDirectory(scenario: string): string {
  const dir = join(REPO, 'build', 'e2e', scenario);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function strimziCrdsDir(): string {
  const root = findCrdsDir();
  if (root === undefined)
    throw new Error('no CRD directory: expected ../shared/crds or PLATFORM_CRDS_DIR');
  const strimzi = readdirSync(root).find(name => name.startsWith('strimzi-'));
  if (strimzi === undefined) throw new Error(`no strimzi-* directory under ${root}`);
  return join(root, strimzi);
}

/** Starts a run; on any failure everything started so far is stopped before the error is thrown. */
export async function startRun(scenario: string, options: RunOptions = {}): Promise<E2eRun> {
  const runDir = runDirectory(scenario);
  const specFile = options.specFile ?? 'stacks/prod.yaml';
  const loaded = loadSpecFile(join(REPO, specFile));
  const timing: CompressedTiming = { ...DEFAULT_TIMING, ...options.controller };
  const standInTiming: StandInTiming = { ...DEFAULT_STAND_IN, ...options.standIn };
  const launchDelaySeconds = options.launchDelaySeconds ?? 20;
  const brokerStartSeconds = options.brokerStartSeconds ?? 8;
  const processes = new ProcessGroup(runDir);
  const cleanups: Array<() => Promise<void> | void> = [() => processes.stopAll()];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch {
        // keep stopping the rest
      }
    }
    cleanups.length = 0;
  };
  try {
    const log = (line: string) =>
      writeFileSync(join(runDir, 'run.log'), `${line}\n`, { flag: 'a' });
    const controlPlane = await startControlPlane({ crdsDir: strimziCrdsDir(), log });
    cleanups.push(() => controlPlane.stop());
    const info = controlPlane.info;
    const api = new KubeApi(info);
    cleanups.push(() => api.close());
    const kube = await startKubeComponents(info, processes, runDir, { brokerStartSeconds });
    const moto = await startMoto(loaded, processes);
    cleanups.push(() => moto.client.destroy());

    const parts = synthParts(loaded);
    await applyKafkaWorkload(api, loaded, parts);
    for (const object of parts.autoscaler) {
      const response = await api.apply(object, { dryRun: false });
      if (response.status < 200 || response.status > 299) {
        throw new Error(
          `applying ${object.kind} ${object.metadata.name}: HTTP ${response.status}: ${statusMessage(response.body)}`,
        );
      }
    }

    const bridge = new CloudBridge(loaded, moto, info, launchDelaySeconds);
    bridge.start();
    cleanups.push(() => bridge.stop());
    const standIn = new StrimziStandIn(loaded, info, standInTiming, options.initialZoneMiBps ?? 60);
    await standIn.start();
    cleanups.push(() => standIn.stop());
    const prometheus = await startPrometheus(runDir, standIn.metricsUrl, processes);

    // The starting point: one node per zone, every broker Ready, Kafka Ready.
    const expected = loaded.spec.kafka.brokers;
    await waitUntil(
      'every broker Ready on the first nodes',
      () => standIn.isKafkaReady() === true && standIn.downBrokers().length === 0,
      launchDelaySeconds * 1000 + 120_000,
      {
        describe: () =>
          `${expected - standIn.downBrokers().length}/${expected} brokers up; kafka ready ${standIn.isKafkaReady()}`,
      },
    );

    const kubeTap = await startWriteTap(info.server, kubernetesWrites, info.caPem, {
      certPem: readFileSync(join(info.dataDir, 'apiserver.crt'), 'utf8'),
      keyPem: readFileSync(join(info.dataDir, 'apiserver.key'), 'utf8'),
    });
    cleanups.push(() => kubeTap.close());
    const instanceGroups = new Map<string, string>();
    const motoTap: WriteTap = await startWriteTap(
      moto.endpoint,
      autoScalingWrites(id => instanceGroups.get(id)),
    );
    cleanups.push(() => motoTap.close());
    const token = await serviceAccountToken(api, loaded.spec.controller.namespace);
    const kubeconfigPath = join(runDir, 'controller.kubeconfig');
    writeFileSync(kubeconfigPath, serviceAccountKubeconfig(kubeTap.url, info.caPem, token), {
      mode: 0o600,
    });
    const controllers = new ControllerReplicas(
      processes,
      runDir,
      kubeconfigPath,
      motoTap.url,
      loaded.spec.region,
    );

    const recorder = new RunRecorder(
      scenario,
      loaded,
      info,
      moto,
      standIn,
      [kubeTap, motoTap],
      () => controllers.replicas.map(r => r.process.logFile),
    );
    cleanups.push(() => recorder.stop());
    // One state of an operation may last two move timeouts (the retry) plus a roll and margin.
    const stateDeadlineMs = (2 * timing.moveTimeoutSeconds + brokerStartSeconds + 60) * 1000;
    recorder.start(stateDeadlineMs);
    const trackInstances = setInterval(() => {
      for (const group of moto.groups) {
        for (const instance of recorder.groups.get(group.groupName)?.Instances ?? []) {
          if (instance.InstanceId !== undefined)
            instanceGroups.set(instance.InstanceId, group.groupName);
        }
      }
    }, 500);
    cleanups.push(() => clearInterval(trackInstances));

    // Progress, every 5 s, in run.log: what a person watching the run wants to see.
    let peakRssMiB = 0;
    const progress = setInterval(() => {
      peakRssMiB = Math.max(peakRssMiB, processTreeRssMiB());
      const zones = loaded.plan.zones.map(zone => {
        const nodes = recorder.nodes.filter(n => n.zone === zone.zone);
        const perNode = nodes.map(node => {
          const brokers = recorder.pods.filter(p => p.nodeName === node.name && p.ready).length;
          return `${brokers}${node.unschedulable ? 'c' : ''}${node.operation === undefined ? '' : `@${node.operation.phase}`}`;
        });
        return `${zone.zone}=[${perNode.join(' ')}]`;
      });
      const notReady = recorder.pods.filter(p => !p.ready).length;
      log(
        `t=${recorder.t()}s leader=${recorder.currentLeader() ?? '-'} demand=${Math.round(standIn.zoneDemandMiBps(loaded.plan.zones[0].zone))} ${zones.join(' ')} notReady=${notReady} urp=${standIn.underReplicatedPartitions()}`,
      );
    }, 5_000);
    cleanups.push(() => clearInterval(progress));

    const replicas = options.controllerReplicas ?? 2;
    for (let index = 0; index < replicas; index++) {
      await controllers.start(`controller-${index}`, httpPort =>
        compressedConfig(loaded, timing, prometheus.url, httpPort),
      );
    }

    const finish = async () => {
      await recorder.poll().catch(() => undefined);
      const history: HistoryEvent[] = recorder.historyEvents();
      const timeline = recorder.timeline(specFile);
      const violations = checkInvariants(history);
      writeFileSync(join(runDir, 'history.json'), `${JSON.stringify(history, null, 1)}\n`);
      writeFileSync(join(runDir, 'timeline.json'), `${JSON.stringify(timeline, null, 1)}\n`);
      writeFileSync(join(runDir, 'violations.json'), `${JSON.stringify(violations, null, 1)}\n`);
      log(
        `finished after ${recorder.t()}s; peak memory of the run's processes ${peakRssMiB} MiB; ` +
          `${violations.length} violations; failed polls: recorder ${recorder.errors}, ` +
          `bridge ${bridge.errors}, stand-in ${standIn.errors}; tap failures ${kubeTap.failures + motoTap.failures}`,
      );
      return { violations, timeline };
    };
    return {
      scenario,
      runDir,
      loaded,
      controlPlane,
      kube,
      api,
      moto,
      bridge,
      standIn,
      prometheus,
      controllers,
      recorder,
      processes,
      kubeTap,
      motoTap,
      timing,
      standInTiming,
      launchDelaySeconds,
      brokerStartSeconds,
      finish,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
