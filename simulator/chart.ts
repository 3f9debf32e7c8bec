/**
 * The SVG chart of a simulation, drawn with Vega-Lite and rendered headless by Vega: demand against
 * each strategy's capacity (the producer traffic its placement carries before a node passes 100% of
 * its baseline), and nodes per zone. Vega ships as ES modules with top-level await, so it is loaded
 * with a real dynamic `import()`; this module only runs under tsx (the CLI), not under jest.
 */
import { MINUTE_MS } from './demand';
import type { SimulationDetails } from './simulate';
import { STRATEGY_NAMES } from './strategies/strategy';
import { SWEPT_STRATEGIES, type SweepResult } from './sweep';
import { writeFileAtomically } from './write-file';

/** Most points per line; longer runs are bucketed (demand: highest, capacity: lowest, nodes: highest). */
const MAX_POINTS = 300;

interface CapacityRow {
  readonly time: number;
  readonly series: string;
  readonly mibps: number;
}

interface NodesRow {
  readonly time: number;
  readonly zone: string;
  readonly strategy: string;
  readonly nodes: number;
}

function bucketed(
  values: ArrayLike<number>,
  bucket: number,
  pick: (a: number, b: number) => number,
): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += bucket) {
    let value = values[start];
    for (let i = start + 1; i < Math.min(values.length, start + bucket); i++) {
      value = pick(value, values[i]);
    }
    out.push(value);
  }
  return out;
}

/** The Vega-Lite specification (plain data, testable without rendering). */
export function chartSpec(details: SimulationDetails): Record<string, unknown> {
  const { demand, facts, series } = details;
  const minutes = demand.producerMiBps.length;
  const bucket = Math.max(1, Math.ceil(minutes / MAX_POINTS));
  const timeOf = (index: number): number => demand.startMs + index * bucket * MINUTE_MS;
  const capacityRows: CapacityRow[] = bucketed(demand.producerMiBps, bucket, Math.max).map(
    (mibps, index) => ({ time: timeOf(index), series: 'demand', mibps }),
  );
  const drawn = STRATEGY_NAMES.filter(name => name !== 'ideal');
  for (const name of drawn) {
    bucketed(series[name].capacityMiBps, bucket, Math.min).forEach((mibps, index) =>
      capacityRows.push({ time: timeOf(index), series: name, mibps }),
    );
  }
  const nodesRows: NodesRow[] = [];
  for (const name of STRATEGY_NAMES) {
    series[name].nodesPerZone.forEach((zoneSeries, zoneIndex) => {
      bucketed(zoneSeries, bucket, Math.max).forEach((nodes, index) =>
        nodesRows.push({
          time: timeOf(index),
          zone: facts.zones[zoneIndex].zone,
          strategy: name,
          nodes,
        }),
      );
    });
  }
  const colors = {
    domain: ['demand', ...STRATEGY_NAMES],
    range: [
      '#000000',
      '#7f7f7f',
      '#d62728',
      '#ff7f0e',
      '#1f77b4',
      '#2ca02c',
      '#8c564b',
      '#e377c2',
      '#9467bd',
    ],
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${demand.source}: demand vs capacity, ${facts.clusterName} (${facts.brokers} brokers, ${facts.instanceType})`,
    config: { font: 'sans-serif', view: { stroke: null } },
    vconcat: [
      {
        width: 900,
        height: 260,
        data: { values: capacityRows },
        mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after' },
        encoding: {
          x: { field: 'time', type: 'temporal', title: null },
          y: {
            field: 'mibps',
            type: 'quantitative',
            title: 'producer MiB/s (capacity: hottest node at 100% baseline)',
          },
          color: { field: 'series', type: 'nominal', scale: colors, title: null },
        },
      },
      {
        width: 900,
        height: 70,
        data: { values: nodesRows },
        mark: { type: 'line', strokeWidth: 1.2, interpolate: 'step-after' },
        encoding: {
          row: { field: 'zone', type: 'nominal', title: 'nodes per zone' },
          x: { field: 'time', type: 'temporal', title: null },
          y: { field: 'nodes', type: 'quantitative', title: null },
          color: { field: 'strategy', type: 'nominal', scale: colors, title: null },
        },
      },
    ],
  };
}

interface VegaLiteModule {
  compile(spec: Record<string, unknown>): { spec: object };
}

interface VegaModule {
  parse(spec: object): object;
  View: new (runtime: object, options: { renderer: 'none' }) => { toSVG(): Promise<string> };
}

/**
 * The Vega-Lite specification of a sweep: every run as a point (cost against over-target
 * node-minutes, symlog axis since 0 is a value), each strategy's Pareto frontier as a line, and
 * a rule at the controller's over-target node-minutes where the headline costs are read.
 */
export function sweepChartSpec(result: SweepResult, source: string): Record<string, unknown> {
  const rows = result.points.map(point => ({
    strategy: point.strategy,
    cost: point.costWithTransfer,
    overTarget: point.overTargetNodeMinutes,
    setting:
      point.scaleInMargin === null
        ? `target ${point.targetUtilization}`
        : `target ${point.targetUtilization}, margin ${point.scaleInMargin}`,
  }));
  const frontierRows = Object.values(result.frontiers).flatMap(frontier =>
    frontier.map(point => ({
      strategy: point.strategy,
      cost: point.costWithTransfer,
      overTarget: point.overTargetNodeMinutes,
    })),
  );
  const color = {
    field: 'strategy',
    type: 'nominal',
    title: 'strategy',
    scale: {
      domain: [...SWEPT_STRATEGIES],
      range: ['#7f7f7f', '#d62728', '#ff7f0e', '#1f77b4', '#2ca02c', '#8c564b', '#e377c2'],
    },
  };
  const x = {
    field: 'overTarget',
    type: 'quantitative',
    title: 'node-minutes over the target (spec target)',
    scale: { type: 'symlog', constant: 10 },
  };
  const y = {
    field: 'cost',
    type: 'quantitative',
    title: 'cost, USD (nodes + cross-zone catch-up)',
    scale: { zero: false },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${source}: cost against risk, each strategy over its main knob (line: Pareto frontier)`,
    config: { font: 'sans-serif', view: { stroke: null } },
    width: 760,
    height: 380,
    layer: [
      {
        data: { values: frontierRows },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y, color, order: { field: 'overTarget', type: 'quantitative' } },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 40 },
        encoding: { x, y, color },
      },
      {
        data: { values: [{ overTarget: result.referenceOverTargetNodeMinutes }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#1f77b4' },
        encoding: { x: { field: 'overTarget', type: 'quantitative' } },
      },
    ],
  };
}

/** Renders a Vega-Lite specification to SVG text. */
export async function renderVegaLiteSvg(spec: Record<string, unknown>): Promise<string> {
  const vegaName = 'vega';
  const vegaLiteName = 'vega-lite';
  const vega = (await import(vegaName)) as VegaModule;
  const vegaLite = (await import(vegaLiteName)) as VegaLiteModule;
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  return view.toSVG();
}

/** Renders the chart to SVG text. */
export async function renderChartSvg(details: SimulationDetails): Promise<string> {
  return renderVegaLiteSvg(chartSpec(details));
}

/** Renders the sweep's cost-risk chart to SVG text; `source` names the load in its title. */
export async function renderSweepSvg(result: SweepResult, source: string): Promise<string> {
  return renderVegaLiteSvg(sweepChartSpec(result, source));
}

/**
 * True for what a chart write killed part way leaves in its temporary file: the start of an SVG
 * document as these charts render it (`<svg`), or nothing yet. `writeFileAtomically` removes such
 * a file of a killed run on the next write to the same chart.
 */
function isChartSvgStart(content: Buffer): boolean {
  const text = content.subarray(0, 4).toString('latin1');
  return text.startsWith('<svg') || '<svg'.startsWith(text);
}

/**
 * Writes a rendered chart (`renderChartSvg`, `renderSweepSvg`) to `file` atomically, synchronously
 * (`writeFileAtomically`: flushed, then renamed; a killed earlier write's temporary file removed).
 * @throws FileWriteError (`simulator/write-file.ts`) naming `file` and the `fs` error of the write
 *   (ENOSPC, EFBIG, EACCES, ...); `file` is then as it was.
 */
export function writeChartSvgFile(file: string, svg: string): void {
  writeFileAtomically(file, svg, isChartSvgStart);
}
