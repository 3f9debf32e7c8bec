/** The human-readable report: what was simulated, then one column per strategy. */
import { MINUTES_PER_DAY } from './demand';
import type { SimulationDetails, StrategyMetrics } from './simulate';
import { STRATEGY_NAMES } from './strategies/strategy';

/**
 * A share (0.9505 = 95.05%) as a percentage with `digits` decimals and a `%` sign, rounded once
 * from the value given: the share's own decimal expansion is rounded at `digits + 2` places
 * (`Number.prototype.toFixed`, half-way cases away from zero) and the point moved two places, so
 * no `x 100` adds a binary error on top. Give it an unrounded share: 0.950502 is `95.1%`.
 * @example percent(0.950502, 1) === '95.1%'; percent(-0.0125, 1) === '-1.3%'
 */
export function percent(share: number, digits: number): string {
  const fixed = Math.abs(share).toFixed(digits + 2);
  const [whole = '0', fraction = ''] = fixed.split('.');
  const units = String(Number(`${whole}${fraction.slice(0, 2)}`));
  const decimals = fraction.slice(2);
  const sign = share < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${units}${decimals === '' ? '' : `.${decimals}`}%`;
}

const ROWS: ReadonlyArray<[keyof StrategyMetrics, string, (value: number) => string]> = [
  ['nodeHours', 'node-hours', value => value.toFixed(1)],
  ['cost', 'cost (USD)', value => value.toFixed(2)],
  ['savingsVsStatic', 'savings vs static', value => percent(value, 1)],
  ['shareOfOracleSavings', 'share of oracle savings', value => percent(value, 0)],
  [
    'shareOfReachableOracleSavings',
    'share of reachable-oracle savings',
    value => percent(value, 0),
  ],
  ['shareOfSerialOracleSavings', 'share of serial-oracle savings', value => percent(value, 0)],
  ['overloadedNodeMinutes', 'node-minutes > 100% baseline', value => value.toFixed(0)],
  ['throttledNodeMinutes', 'node-minutes throttled (burst spent)', value => value.toFixed(0)],
  ['overTargetNodeMinutes', 'node-minutes > target', value => value.toFixed(0)],
  ['underReplicatedMinutes', 'under-replicated minutes', value => value.toFixed(0)],
  ['brokerMoves', 'broker moves', value => value.toFixed(0)],
  ['maxConcurrentMoves', 'most moves at once', value => value.toFixed(0)],
  ['scalingActions', 'scaling actions', value => value.toFixed(0)],
  ['crossZoneCatchUpGiB', 'cross-zone catch-up GiB', value => value.toFixed(0)],
  ['costWithTransfer', 'cost with transfer (USD)', value => value.toFixed(2)],
];

/**
 * Formats the comparison as a fixed-width table, from the unrounded figures
 * (`SimulationDetails.unrounded`): each is rounded once, here, to the places it is printed with.
 */
export function formatReport(details: SimulationDetails): string {
  const { facts, demand } = details;
  const result = details.unrounded;
  const days = result.minutesSimulated / MINUTES_PER_DAY;
  const lines = [
    `Simulated ${days.toFixed(1)} days (${result.minutesSimulated} minutes) of ${demand.source}`,
    `Platform ${facts.clusterName}: ${facts.brokers} brokers in ${facts.zones.length} zones, ${facts.instanceType} nodes (baseline ${facts.nodeBaselineMiBps.toFixed(0)} MiB/s, $${facts.pricePerNodeHourUsd}/h), levels per zone ${facts.balancedNodeCounts.join(' / ')}, target ${percent(facts.targetUtilization, 0)}, static ${details.staticNodesPerZone} nodes per zone`,
    '',
  ];
  const labelWidth = Math.max(...ROWS.map(([, label]) => label.length));
  const columnWidth = Math.max(...STRATEGY_NAMES.map(name => name.length)) + 2;
  lines.push(
    `${''.padEnd(labelWidth)}${STRATEGY_NAMES.map(name => name.padStart(columnWidth)).join('')}`,
  );
  for (const [key, label, format] of ROWS) {
    const cells = STRATEGY_NAMES.map(name => {
      const value = result.strategies[name][key];
      return (value === null ? 'n/a' : format(value)).padStart(columnWidth);
    });
    lines.push(`${label.padEnd(labelWidth)}${cells.join('')}`);
  }
  lines.push(
    '',
    'oracle: perfect foresight, instant, balanced levels, no node above target (a lower bound).',
    'reachable-oracle: perfect foresight, each node added or removed pays its launch or shutdown.',
    'serial-oracle: as reachable-oracle, with broker moves one at a time across the cluster.',
    'ideal: fractional nodes at 100% of baseline (node-hours only).',
  );
  const bound = result.serialBoundAtControllerOverTarget;
  if (bound === null) {
    lines.push(
      "serial bound at the controller's over-target minutes: not applicable (the controller ran a node above its baseline, or the layouts are too many).",
    );
  } else if (bound !== undefined) {
    // The budget and lambda as the JSON has them (printed whole); the rest formatted unrounded.
    const listed = details.result.serialBoundAtControllerOverTarget ?? bound;
    const share = bound.shareOfOracleSavings;
    const slackShare = bound.shareOfOracleSavingsWithMoveSlack;
    lines.push(
      `serial bound at the controller's ${listed.budgetOverTargetNodeMinutes} over-target node-minutes: at least ${bound.nodeHours.toFixed(1)} node-hours, at most ${share === null ? 'n/a' : percent(share, 1)} of the oracle's savings (lambda ${listed.lambda}; ${slackShare === null ? 'n/a' : percent(slackShare, 1)} with one step of slack per move).`,
    );
  }
  return `${lines.join('\n')}\n`;
}
