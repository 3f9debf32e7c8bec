/**
 * The text report's percentages: each is rounded once, from the unrounded figure. A share the JSON
 * rounds to 4 places (0.950502 -> 0.9505) and the report formatted again to one decimal printed
 * 95.0% instead of 95.1%.
 */
import fc from 'fast-check';
import { formatReport, percent } from '../../simulator/report';
import {
  simulate,
  type SerialBoundAtOverTarget,
  type SimulationDetails,
  type StrategyMetrics,
} from '../../simulator/simulate';
import { syntheticDemand } from '../../simulator/synthetic';
import { loadSpecFile } from '../../spec/load';
import { DEFAULT_SPEC_FILE } from '../../stacks/defaults';

describe('percent', () => {
  it.each([
    // just above and just below each half-way point, at 1 and 0 decimals
    [0.950502, 1, '95.1%'],
    [0.950498, 1, '95.0%'],
    [0.9505, 1, '95.1%'], // the double is 0.95050000...01: above; (0.9505 * 100).toFixed(1) gave 95.0%
    [0.125, 1, '12.5%'],
    [0.125, 0, '13%'], // exact half-way: away from zero
    [0.1255, 1, '12.6%'], // the double is 0.12550000000000000...3: above half-way
    [0.895001, 0, '90%'],
    [0.894999, 0, '89%'],
    [0.005, 0, '1%'], // 0.005 is 0.005000000000000000104...: above half-way
    [0.00049, 1, '0.0%'],
    [0, 1, '0.0%'],
    [1, 0, '100%'],
    [1.23456, 2, '123.46%'],
    [-0.0125, 1, '-1.3%'], // -0.0125 is exact: half-way, away from zero
    [-0.0004, 1, '0.0%'],
  ])('percent(%p, %p) is %p', (share, digits, expected) => {
    expect(percent(share, digits)).toBe(expected);
  });

  it('property: matches exact decimal rounding of the share x 100 away from half-way points', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2_000_000, max: 2_000_000 }),
        fc.integer({ min: 0, max: 2 }),
        (micro, digits) => {
          // share = micro / 1e6 with an offset of 0.3e-6 of a unit: never within 1e-7 of half-way
          const share = (micro + 0.3) / 1e6;
          const scaled = Math.abs(micro + 0.3) / 10 ** (4 - digits); // the percentage x 10^digits
          const units = Math.round(scaled);
          const text = (units / 10 ** digits).toFixed(digits);
          const sign = share < 0 && units !== 0 ? '-' : '';
          expect(percent(share, digits)).toBe(`${sign}${text}%`);
        },
      ),
    );
  });
});

describe('formatReport', () => {
  const base = simulate(
    loadSpecFile(DEFAULT_SPEC_FILE),
    syntheticDemand({ peakToTroughRatio: 2, days: 0.25 }, 800),
  );

  /** `base` with the controller's savings share and a serial bound set, rounded as the JSON is. */
  function withFigures(share: number, boundShare: number): SimulationDetails {
    const round4 = (value: number) => Math.round(value * 1e4) / 1e4;
    const bound = (value: number): SerialBoundAtOverTarget => ({
      budgetOverTargetNodeMinutes: 12.5,
      nodeHours: 40,
      shareOfOracleSavings: value,
      lambda: 0.25,
      budgetReachable: true,
      budgetWithMoveSlackOverTargetNodeMinutes: 14.5,
      shareOfOracleSavingsWithMoveSlack: value,
    });
    const controller = (value: number): StrategyMetrics => ({
      ...base.unrounded.strategies.controller,
      savingsVsStatic: value,
      shareOfOracleSavings: value,
    });
    return {
      ...base,
      result: {
        ...base.result,
        strategies: { ...base.result.strategies, controller: controller(round4(share)) },
        serialBoundAtControllerOverTarget: bound(round4(boundShare)),
      },
      unrounded: {
        ...base.unrounded,
        strategies: { ...base.unrounded.strategies, controller: controller(share) },
        serialBoundAtControllerOverTarget: bound(boundShare),
      },
    };
  }

  /** The cell of a row in a strategy's column (`column`: its index in the header). */
  function cell(report: string, label: string, column: number): string {
    const row = report.split('\n').find(line => line.startsWith(label))!;
    return row.slice(label.length).trim().split(/\s+/)[column]!;
  }

  it('rounds once from the unrounded figures: 0.950502 is 95.1%, not 95.0%', () => {
    const report = formatReport(withFigures(0.950502, 0.950502));
    const header = report.split('\n')[3]!.trim().split(/\s+/);
    const column = header.indexOf('controller');
    expect(cell(report, 'savings vs static', column)).toBe('95.1%');
    expect(cell(report, 'share of oracle savings', column)).toBe('95%');
    expect(report).toContain("at most 95.1% of the oracle's savings (lambda 0.25; 95.1% with");
    expect(report).toContain("serial bound at the controller's 12.5 over-target node-minutes");
  });

  it("just below a half-way point stays below, though the JSON's 4 places reach it", () => {
    // 0.950496 is 0.9505 in the JSON (95.1% formatted again) and 0.89496 is 0.895 (90%)
    const report = formatReport(withFigures(0.89496, 0.950496));
    const header = report.split('\n')[3]!.trim().split(/\s+/);
    const column = header.indexOf('controller');
    expect(cell(report, 'savings vs static', column)).toBe('89.5%');
    expect(cell(report, 'share of oracle savings', column)).toBe('89%');
    expect(report).toContain('at most 95.0% of');
    // just above: 0.895001 is 90% at 0 decimals
    const up = formatReport(withFigures(0.895001, 0.5));
    expect(cell(up, 'share of oracle savings', column)).toBe('90%');
  });

  it('prints the JSON figures it does not format as percentages as before', () => {
    const report = formatReport(base);
    expect(report).toMatch(/target \d+%, static \d+ nodes per zone/);
    expect(report).not.toMatch(/\d\.\d{5,}/);
  });
});
