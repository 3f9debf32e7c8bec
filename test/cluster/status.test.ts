/**
 * `npm run status` against the real API server, reading what the controller would have written:
 * its configuration ConfigMap, the Lease, an operation record on a node and its last decision
 * (written through the controller's own adapter by status-fixture.ts), plus nodes and broker pods.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterStatus } from '../../cli/status/report';
import { clusterApi, clusterInfo } from './cluster-env';
import { deleteOwnedNodes } from './shared-plane';
import { REPO } from './tools';

const TSX = join(REPO, 'node_modules/.bin/tsx');
const NAMESPACE = 'status-it';
const CLUSTER = 'statusit';

function status(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(TSX, [join(REPO, 'cli/main.ts'), 'status', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('status on a real API server', () => {
  const info = clusterInfo();
  const nowMs = Date.now();
  let zones: string[] = [];
  let stabilization = 0;

  // The fixture's nodes are cluster-scoped: the suites after this one must not find them.
  afterAll(async () => {
    const api = clusterApi();
    try {
      await deleteOwnedNodes(api, NAMESPACE);
    } finally {
      api.close();
    }
  });

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'status-it-'));
    const fixtureFile = join(dir, 'fixture.json');
    writeFileSync(
      fixtureFile,
      JSON.stringify({
        namespace: NAMESPACE,
        kafkaNamespace: `${NAMESPACE}-kafka`,
        clusterName: CLUSTER,
        nowMs,
      }),
    );
    const run = spawnSync(
      TSX,
      [
        join(__dirname, 'status-fixture.ts'),
        process.env.KAFKA_EKS_CLUSTER_STATE ?? '',
        fixtureFile,
      ],
      { cwd: REPO, encoding: 'utf8', timeout: 90_000 },
    );
    const ready = run.stdout.split('\n').find(line => line.startsWith('READY '));
    if (ready === undefined) {
      throw new Error(`fixture failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    ({ zones, stabilization } = JSON.parse(ready.slice('READY '.length)) as {
      zones: string[];
      stabilization: number;
    });
  });

  it('prints per zone the level, desired level, nodes with brokers, operation, decision and next scale-in as JSON', () => {
    const run = status(['--kubeconfig', info.kubeconfigPath, '--namespace', NAMESPACE, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ClusterStatus;
    const [a, b, c] = zones;
    const zone = (name: string | undefined) => report.zones.find(each => each.zone === name);

    expect(report.clusterName).toBe(CLUSTER);
    expect(report.leader?.holder).toBe('replica-a');
    expect(report.decision).toMatchObject({
      reason: 'operation-in-flight',
      holding: true,
      dryRun: false,
    });
    expect(report.decision?.ageSeconds).toBeGreaterThanOrEqual(4);

    expect(zone(a)).toMatchObject({
      level: 2,
      desiredLevel: 2,
      demandMiBps: 300,
      nodes: [
        { name: 'st-a-1', brokers: [`${CLUSTER}-brokers-a-0`, `${CLUSTER}-brokers-a-1`] },
        { name: 'st-a-2', brokers: [`${CLUSTER}-brokers-a-2`, `${CLUSTER}-brokers-a-3`] },
      ],
      lastDecision: 'operation-in-flight',
    });
    expect(zone(a)?.operation).toBeUndefined();

    // Zone b: the node being emptied is cordoned and no longer counts; its record is read back.
    expect(zone(b)).toMatchObject({
      level: 1,
      desiredLevel: 1,
      unscheduledBrokers: [`${CLUSTER}-brokers-b-5`],
      operation: {
        id: 'op-1',
        kind: 'remove-node',
        nodeName: 'st-b-1',
        phase: 'drain',
        movesDone: 1,
        move: { podName: `${CLUSTER}-brokers-b-4`, attempt: 1 },
      },
    });
    expect(zone(b)?.nodes.find(node => node.name === 'st-b-1')?.cordoned).toBe(true);
    expect(zone(b)?.operation?.ageSeconds).toBeGreaterThanOrEqual(600);
    expect(zone(b)?.operation?.phaseAgeSeconds).toBeGreaterThanOrEqual(300);
    expect(zone(b)?.operation?.move?.ageSeconds).toBeGreaterThanOrEqual(90);

    // Zone c: eligible for 120 s, so the next scale-in is at eligible + stabilization.
    expect(zone(c)?.level).toBe(4);
    expect(zone(c)?.desiredLevel).toBe(2);
    expect(zone(c)?.nextScaleIn).toMatchObject({
      state: 'waiting',
      atMs: nowMs - 120_000 + stabilization * 1000,
    });
    // Zone a runs 2 of 1/2/4: it needs demand below 1 node's planned capacity with the margin.
    expect(zone(a)?.nextScaleIn.state).toBe('demand-too-high');
  });

  it('prints the same as text', () => {
    const run = status(['--kubeconfig', info.kubeconfigPath, '--namespace', NAMESPACE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^statusit \(Kafka namespace status-it-kafka\): leader replica-a/);
    expect(run.stdout).toMatch(
      /last decision \d+s ago: holding, operation-in-flight - remove-node op-1/,
    );
    expect(run.stdout).toMatch(/node st-b-1 \[cordoned\]: statusit-brokers-b-4/);
    // The fixture dates the phase 300 s, the operation 600 s and the move 90 s before `nowMs`; the
    // text shows each as it is when the CLI runs, which on a loaded machine can be minutes later.
    const operation =
      /operation: remove-node op-1 on st-b-1, phase drain \((\d+)m(\d\d)s\), age (\d+)m(\d\d)s, 1 moved, moving statusit-brokers-b-4 \(attempt 1, (\d+)m(\d\d)s\)/.exec(
        run.stdout,
      );
    expect(operation).not.toBeNull();
    const seconds = (at: number) => Number(operation?.[at]) * 60 + Number(operation?.[at + 1]);
    const elapsed = Math.ceil((Date.now() - nowMs) / 1000);
    for (const [shown, dated] of [
      [seconds(1), 300],
      [seconds(3), 600],
      [seconds(5), 90],
    ]) {
      expect(shown).toBeGreaterThanOrEqual(dated);
      expect(shown).toBeLessThanOrEqual(dated + elapsed);
    }
    expect(run.stdout).toMatch(
      /next scale-in: at \d{4}-\d\d-\d\dT.* \(in \d+s\) if demand stays low/,
    );
  });

  it('names the option to fix when the controller is not in the namespace', () => {
    const run = status(['--kubeconfig', info.kubeconfigPath, '--namespace', 'default']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/namespace default has no ConfigMap kafka-autoscaler.*--namespace/);
  });
});
