/**
 * The chart of an end-to-end run, drawn with Vega-Lite and rendered headless by Vega, the same
 * libraries and rendering path as the simulator's chart (simulator/chart.ts): demand and capacity
 * per zone, nodes per zone against the group's desired capacity, brokers per node, the moves, and
 * the leader's decisions (what it did, or why it held).
 *
 * Vega is an ES module with top-level await, which jest's CommonJS transform cannot load, so the
 * rendering runs in a `tsx` child process (render-timeline-cli.ts); the specification itself is a
 * plain function, tested in the fast tier.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './binaries';
import type { Timeline } from './recorder';

const WIDTH = 900;

/** Colours of the decision reasons (acting: saturated; holding: muted). */
const REASON_COLORS: Readonly<Record<string, string>> = {
  'scale-out': '#d62728',
  respread: '#ff7f0e',
  'scale-in': '#1f77b4',
  'operation-in-flight': '#9ecae1',
  'waiting-for-nodes': '#fdd0a2',
  stabilizing: '#c7e9c0',
  'at-target': '#e5e5e5',
  'under-replicated': '#fcbba1',
  'roll-in-flight': '#fdae6b',
  'broker-not-ready': '#fb6a4a',
  'kafka-not-ready': '#cb181d',
  'stale-data': '#756bb1',
  'operation-abandoned': '#000000',
  'zone-cannot-grow': '#8c6d31',
  'group-at-min-size': '#bdbdbd',
  'under-min-isr': '#a50f15',
};

/** The Vega-Lite specification of a run's chart (plain data). */
export function timelineChartSpec(timeline: Timeline): Record<string, unknown> {
  const { samples, zones } = timeline;
  const end = samples.length === 0 ? 1 : samples[samples.length - 1].t;
  const demandRows = samples.flatMap(sample =>
    zones.flatMap(zone => [
      { t: sample.t, zone, series: 'demand', mibps: sample.demandMiBps[zone] ?? 0 },
      {
        t: sample.t,
        zone,
        series: 'capacity',
        mibps: (sample.nodesPerZone[zone] ?? 0) * timeline.levelCapacityMiBps,
      },
    ]),
  );
  const nodeRows = samples.flatMap(sample =>
    zones.flatMap(zone => [
      {
        t: sample.t,
        zone,
        series: 'schedulable Ready nodes',
        count: sample.nodesPerZone[zone] ?? 0,
      },
      { t: sample.t, zone, series: 'desired capacity', count: sample.desiredPerZone[zone] ?? 0 },
    ]),
  );
  // One rect per node and run of equal broker counts (not one per sample: the SVG stays small).
  const nodeOrder: string[] = [];
  const brokerRows: Array<{ t: number; t2: number; node: string; brokers: number }> = [];
  const open = new Map<string, { t: number; t2: number; node: string; brokers: number }>();
  samples.forEach((sample, index) => {
    const next = samples[index + 1]?.t ?? sample.t + 1;
    for (const [node, brokers] of Object.entries(sample.brokersPerNode)) {
      const label = `${sample.zoneOfNode[node] ?? ''} ${node.split('.')[0]}`;
      if (!nodeOrder.includes(label)) nodeOrder.push(label);
      const current = open.get(node);
      if (current !== undefined && current.brokers === brokers && current.t2 === sample.t) {
        current.t2 = next;
      } else {
        const row = { t: sample.t, t2: next, node: label, brokers };
        brokerRows.push(row);
        open.set(node, row);
      }
    }
  });
  const moveRows = timeline.moves.map(move => ({
    t: move.t,
    t2: move.endT ?? end,
    pod: move.pod,
    detail: `${move.fromNode?.split('.')[0] ?? '?'} -> ${move.toNode?.split('.')[0] ?? 'not Ready'}`,
  }));
  const decisionRows = timeline.decisions.map((decision, index) => ({
    t: decision.t,
    t2: timeline.decisions[index + 1]?.t ?? end,
    reason: decision.reason,
    detail: decision.detail,
  }));
  const faultRows = timeline.faults.map(fault => ({ t: fault.t, what: fault.what }));
  const x = (title: string | null) => ({
    field: 't',
    type: 'quantitative',
    title,
    scale: { domain: [0, end] },
  });
  const reasons = [...new Set(decisionRows.map(row => row.reason))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `End-to-end run "${timeline.scenario}" (${timeline.spec}): the controller process on a real control plane`,
    config: { font: 'sans-serif', view: { stroke: null } },
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
    vconcat: [
      {
        width: WIDTH,
        height: 150,
        title: 'demand and planned capacity per zone (MiB/s)',
        layer: [
          {
            data: { values: demandRows },
            mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after' },
            encoding: {
              x: x(null),
              y: { field: 'mibps', type: 'quantitative', title: 'MiB/s' },
              color: { field: 'zone', type: 'nominal', title: 'zone' },
              strokeDash: { field: 'series', type: 'nominal', title: null },
            },
          },
          {
            data: { values: faultRows },
            mark: { type: 'rule', color: '#555', strokeDash: [2, 2] },
            encoding: { x: x(null) },
          },
          {
            data: { values: faultRows },
            mark: { type: 'text', align: 'left', dx: 3, dy: -60, fontSize: 9, color: '#333' },
            encoding: { x: x(null), text: { field: 'what' } },
          },
        ],
      },
      {
        width: WIDTH,
        height: 50,
        data: { values: nodeRows },
        mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after' },
        encoding: {
          row: { field: 'zone', type: 'nominal', title: 'nodes per zone' },
          x: x(null),
          y: { field: 'count', type: 'quantitative', title: null, scale: { domain: [0, 5] } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { range: ['#000000', '#e377c2'] },
            legend: { labelLimit: 400 },
          },
          strokeDash: { field: 'series', type: 'nominal', title: null },
        },
      },
      {
        width: WIDTH,
        height: { step: 9 },
        title: 'Ready brokers per node',
        data: { values: brokerRows },
        mark: { type: 'rect' },
        encoding: {
          x: x(null),
          x2: { field: 't2' },
          y: {
            field: 'node',
            type: 'nominal',
            title: null,
            sort: nodeOrder,
          },
          color: {
            field: 'brokers',
            type: 'ordinal',
            title: 'brokers',
            scale: { scheme: 'blues', domain: [0, 1, 2, 3, 4] },
          },
        },
      },
      {
        width: WIDTH,
        height: { step: 8 },
        title: 'broker moves (roll requested -> Ready on another node)',
        data: { values: moveRows },
        mark: { type: 'bar', color: '#ff7f0e' },
        encoding: {
          x: x(null),
          x2: { field: 't2' },
          y: { field: 'pod', type: 'nominal', title: null },
          tooltip: { field: 'detail' },
        },
      },
      {
        width: WIDTH,
        height: 24,
        title: "the leader's decision at each pass",
        data: { values: decisionRows },
        mark: { type: 'rect' },
        encoding: {
          x: x('seconds since the start of the run (a compressed day)'),
          x2: { field: 't2' },
          color: {
            field: 'reason',
            type: 'nominal',
            title: 'decision',
            scale: { domain: reasons, range: reasons.map(r => REASON_COLORS[r] ?? '#999999') },
          },
          tooltip: { field: 'detail' },
        },
      },
    ],
  };
}

/**
 * Writes `timeline.svg` beside `timeline.json` in `runDir` (rendered by a `tsx` child process),
 * and with `docsCopy` also docs/img/e2e-day.svg (written to a temporary file, then renamed).
 */
export async function writeChartFiles(
  runDir: string,
  timeline: Timeline,
  options: { readonly docsCopy: boolean },
): Promise<string> {
  const specPath = join(runDir, 'timeline.vl.json');
  const svgPath = join(runDir, 'timeline.svg');
  writeFileSync(specPath, JSON.stringify(timelineChartSpec(timeline)));
  execFileSync(
    join(REPO, 'node_modules', '.bin', 'tsx'),
    [join(__dirname, 'render-timeline-cli.ts'), specPath, svgPath],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (options.docsCopy) {
    const target = join(REPO, 'docs', 'img', 'e2e-day.svg');
    const temporary = `${target}.${process.pid}.tmp`;
    copyFileSync(svgPath, temporary);
    renameSync(temporary, target);
  }
  return svgPath;
}
