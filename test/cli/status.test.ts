/**
 * `status`: the report built from what was read (pure), the controller's decision record, and the
 * command's handling of bad input. The run against a real API server is test/cluster/status.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerConfigFromSpec } from '../../controller/config';
import {
  DECISION_RECORD_REFRESH_SECONDS,
  DecisionPublisher,
  decisionRecordDue,
  decisionRecordOf,
  decodeDecisionRecord,
  encodeDecisionRecord,
} from '../../controller/decision-record';
import type { ObservedBroker, Plan } from '../../controller/model';
import { chooseKubeconfig } from '../../cli/kubeconfig';
import { buildStatus, formatStatus, type StatusInput } from '../../cli/status/report';
import { exampleSpec } from '../util/specs';
import { NOW, statusInput } from './status-fixtures';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const config = controllerConfigFromSpec(exampleSpec('prod'));
const [zoneA] = config.zones;

function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    action: undefined,
    reason: 'stabilizing',
    detail: 'zone us-east-1a could run 1 nodes; waiting 300s more',
    zones: config.zones.map(zone => ({
      zone: zone.zone,
      currentNodes: 2,
      desiredNodes: zone.zone === zoneA?.zone ? 1 : 2,
      scaleInLevelNodes: zone.zone === zoneA?.zone ? 1 : 2,
      demandMiBps: 100,
    })),
    memory: {
      scaleInEligibleSinceMs: { [zoneA?.zone ?? '']: NOW - 300_000 },
      waitingForNodesSinceMs: {},
      levelCarriesSinceMs: {},
    },
    ...overrides,
  };
}

function input(p: Plan, nodesPerZone = 2): StatusInput {
  return statusInput(config, p, { nodesPerZone });
}

describe('status report', () => {
  it('gives the next scale-in as eligible-since plus the stabilization window', () => {
    const status = buildStatus(input(plan()));
    const a = status.zones.find(zone => zone.zone === zoneA?.zone);
    expect(a?.nextScaleIn).toMatchObject({
      state: 'waiting',
      atMs: NOW - 300_000 + config.scaleInStabilizationSeconds * 1000,
    });
    expect(status.decision).toMatchObject({ reason: 'stabilizing', holding: true, ageSeconds: 10 });
  });

  it('gives an empty node its shorter window, and only a node that carries no broker', () => {
    // GIVEN zone a eligible for 100 s, its two nodes Ready, and a broker on the first only
    const p = plan({
      memory: { ...plan().memory, scaleInEligibleSinceMs: { [zoneA?.zone ?? '']: NOW - 100_000 } },
    });
    const withBroker = (nodes: readonly string[]): StatusInput => ({
      ...input(p),
      brokers: nodes.map((nodeName, i): ObservedBroker => ({
        podName: `kafka-${i}`,
        uid: `uid-kafka-${i}`,
        zone: zoneA?.zone ?? '',
        nodeName,
        ready: true,
        rollRequested: false,
        terminating: false,
      })),
    });
    const emptyWindowMs = Math.min(180, config.scaleInStabilizationSeconds) * 1000;
    const a = buildStatus(withBroker([`${zoneA?.zone}-0`])).zones[0];
    // THEN the zone's full window stands, and the empty node can go after the shorter one
    expect(a?.nextScaleIn).toMatchObject({
      state: 'waiting',
      atMs: NOW - 100_000 + config.scaleInStabilizationSeconds * 1000,
      emptyNodeAtMs: NOW - 100_000 + emptyWindowMs,
    });
    expect(a?.nextScaleIn.summary).toContain(`${zoneA?.zone}-1 carries no broker and can go at`);
    // WHEN both nodes carry a broker THEN only the full window is given
    const full = buildStatus(withBroker([`${zoneA?.zone}-0`, `${zoneA?.zone}-1`])).zones[0];
    expect(full?.nextScaleIn.emptyNodeAtMs).toBeUndefined();
    expect(full?.nextScaleIn.summary).not.toContain('carries no broker');
  });

  it('says how low demand must fall when a zone is not eligible', () => {
    // Zone b above 1 node's target (demand 100 would already fit it: a floor's hold, tested in
    // status-scale-in-hold.test.ts with the rest of this state's wording)
    const high = plan();
    const b = buildStatus(
      input({
        ...high,
        zones: high.zones.map(zone =>
          zone.zone === zoneA?.zone ? zone : { ...zone, demandMiBps: 300 },
        ),
      }),
    ).zones[1];
    const planned = config.nodeBaselineMiBps * config.targetUtilization;
    const target = Math.round(planned * 10) / 10;
    const expected = Math.round(planned * (1 - config.scaleInMargin) * 10) / 10;
    expect(b?.nextScaleIn).toEqual({
      state: 'demand-too-high',
      belowMiBps: expected,
      summary: `not before demand (300 MiB/s) falls to ${target} MiB/s (1 nodes at the target) and stays there for the ${config.scaleInStabilizationSeconds}s window, and is at most ${expected} MiB/s (less the scale-in margin) at its end; at most ${target} MiB/s (1 nodes at the target) is enough while the forecast confirms the descent (its forecast for the lead time fits 1 nodes at the target and so does the ramp guard projection: no scale-in margin)`,
    });
  });

  it('reports nothing to remove at the lowest level, and due once the window has passed', () => {
    const lowest = buildStatus(input(plan(), 1)).zones[1];
    expect(lowest?.nextScaleIn.state).toBe('at-lowest-level');
    const due = plan({
      memory: {
        scaleInEligibleSinceMs: { [zoneA?.zone ?? '']: NOW - 3_600_000 },
        waitingForNodesSinceMs: {},
        levelCarriesSinceMs: {},
      },
    });
    expect(buildStatus(input(due)).zones[0]?.nextScaleIn.state).toBe('due');
  });

  it('marks an acting decision with the zone it acted on', () => {
    const acting = plan({
      reason: 'scale-out',
      action: {
        kind: 'scale-out',
        zone: zoneA?.zone ?? '',
        groupName: 'g',
        fromDesired: 2,
        toDesired: 4,
      },
    });
    const status = buildStatus(input(acting));
    expect(status.decision?.holding).toBe(false);
    expect(status.zones[0]?.lastDecision).toBe('scale-out');
    expect(status.zones[1]?.lastDecision).toBe(`scale-out (in ${zoneA?.zone})`);
  });

  it('says why there is no decision', () => {
    const none = buildStatus({ ...input(plan()), decision: undefined });
    expect(none.decisionProblem).toMatch(/no decision recorded yet/);
    expect(formatStatus(none)).toMatch(/last decision: none \(no decision recorded yet/);
    const bad = decodeDecisionRecord('{"version":2}');
    expect('error' in bad && bad.error).toMatch(/last-decision.json is not a decision record/);
  });

  it('prints one block per zone', () => {
    const text = formatStatus(buildStatus(input(plan())));
    expect(text.match(/^zone /gm)).toHaveLength(config.zones.length);
    expect(text).toMatch(/last decision 10s ago: holding, stabilizing - zone us-east-1a/);
  });
});

describe('decision record', () => {
  const context = {
    holder: 'replica-a',
    dryRun: false,
    scaleInStabilizationSeconds: 600,
  };

  it('round-trips through its encoding', () => {
    const record = decisionRecordOf(plan(), { ...context, nowMs: NOW });
    expect(decodeDecisionRecord(encodeDecisionRecord(record))).toEqual({ record });
  });

  it('is rewritten when the decision changes or the stored one is old, not for demand alone', () => {
    const first = decisionRecordOf(plan(), { ...context, nowMs: NOW });
    const demandMoved = decisionRecordOf(
      plan({ zones: plan().zones.map(zone => ({ ...zone, demandMiBps: 180 })) }),
      { ...context, nowMs: NOW + 30_000 },
    );
    expect(decisionRecordDue(first, demandMoved)).toBe(false);
    const old = { ...demandMoved, decidedAtMs: NOW + DECISION_RECORD_REFRESH_SECONDS * 1000 };
    expect(decisionRecordDue(first, old)).toBe(true);
    const other = decisionRecordOf(plan({ reason: 'under-replicated' }), {
      ...context,
      nowMs: NOW + 1,
    });
    expect(decisionRecordDue(first, other)).toBe(true);
  });

  it('is published only by the leader, and a failed write never throws', async () => {
    const written: number[] = [];
    const errors: unknown[] = [];
    let fail = false;
    const publisher = new DecisionPublisher(
      async record => {
        if (fail) throw new Error('503');
        written.push(record.decidedAtMs);
      },
      context,
      error => errors.push(error),
    );
    expect(await publisher.publish(plan(), false, NOW)).toBe(false);
    expect(await publisher.publish(plan(), true, NOW)).toBe(true);
    expect(await publisher.publish(plan(), true, NOW + 1000)).toBe(false);
    fail = true;
    expect(await publisher.publish(plan({ reason: 'stale-data' }), true, NOW + 2000)).toBe(false);
    expect(written).toEqual([NOW]);
    expect(errors).toHaveLength(1);
  });
});

describe('npm run status (bad input)', () => {
  function run(
    args: string[],
    env: Record<string, string | undefined> = {},
  ): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(TSX, [join(ROOT, 'cli', 'main.ts'), 'status', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 60000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('without --kubeconfig, $KUBECONFIG or ~/.kube/config, names all three', () => {
    const home = mkdtempSync(join(tmpdir(), 'status-home-'));
    const result = run([], { HOME: home, KUBECONFIG: undefined });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `--kubeconfig: not given, and the kubeconfig from ~/.kube/config (no $KUBECONFIG set) cannot be read (${join(home, '.kube', 'config')} does not exist`,
    );
  });

  it('names a missing kubeconfig file', () => {
    const result = run(['--kubeconfig', '/nonexistent/kubeconfig']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/--kubeconfig: \/nonexistent\/kubeconfig does not exist/);
  });

  it('exits 1 with the reason when the API server cannot be reached', () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-cli-'));
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        'users: [{name: u, user: {token: t}}]',
        '',
      ].join('\n'),
    );
    const result = run(['--kubeconfig', file]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /status: cannot read ConfigMap kafka-autoscaler\/kafka-autoscaler: .*ECONNREFUSED/,
    );
    expect(result.stderr).not.toContain('reading kubeconfig');

    // WHEN no --kubeconfig: $KUBECONFIG, then ~/.kube/config, as kubectl; the file read is named.
    const fromEnv = run(['--json'], { KUBECONFIG: file });
    expect(fromEnv.status).toBe(1);
    expect(fromEnv.stdout).toBe('');
    expect(fromEnv.stderr).toContain(`status: reading kubeconfig ${file} (from $KUBECONFIG)\n`);
    expect(fromEnv.stderr).toMatch(/ECONNREFUSED/);
    const home = mkdtempSync(join(tmpdir(), 'status-home-'));
    mkdirSync(join(home, '.kube'));
    copyFileSync(file, join(home, '.kube', 'config'));
    const fromHome = run([], { HOME: home, KUBECONFIG: undefined });
    expect(fromHome.stderr).toContain(
      `status: reading kubeconfig ${join(home, '.kube', 'config')} (from ~/.kube/config (no $KUBECONFIG set))\n`,
    );
    expect(fromHome.stderr).toMatch(/ECONNREFUSED/);
  });
});

describe('chooseKubeconfig', () => {
  it.each([
    ['--kubeconfig wins', '/a', { KUBECONFIG: '/b' }, { file: '/a', source: '--kubeconfig' }],
    ['$KUBECONFIG next', undefined, { KUBECONFIG: '/b' }, { file: '/b', source: '$KUBECONFIG' }],
    [
      '~/.kube/config last',
      undefined,
      {},
      { file: '/home/u/.kube/config', source: '~/.kube/config (no $KUBECONFIG set)' },
    ],
    [
      'an empty $KUBECONFIG counts as unset',
      undefined,
      { KUBECONFIG: '' },
      { file: '/home/u/.kube/config', source: '~/.kube/config (no $KUBECONFIG set)' },
    ],
  ])('%s', (_name, flag, env, expected) => {
    expect(chooseKubeconfig(flag, env, '/home/u')).toEqual(expected);
  });

  it('throws when $KUBECONFIG lists several files: status reads one', () => {
    expect(chooseKubeconfig(undefined, { KUBECONFIG: '/a:/b' }, '/home/u')).toEqual({
      problem:
        '--kubeconfig: not given, and $KUBECONFIG lists 2 files ("/a:/b"); status reads one, so give it with --kubeconfig <file>',
    });
  });
});
