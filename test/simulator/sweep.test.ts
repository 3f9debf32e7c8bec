import { loadSpecFile } from '../../spec/load';
import { DEFAULT_SPEC_FILE } from '../../stacks/defaults';
import { sweepChartSpec } from '../../simulator/chart';
import { costOnFrontier, paretoFrontier, sweep, SWEPT_STRATEGIES } from '../../simulator/sweep';
import { syntheticDemand } from '../../simulator/synthetic';

const point = (costWithTransfer: number, overTargetNodeMinutes: number) => ({
  costWithTransfer,
  overTargetNodeMinutes,
});

describe('paretoFrontier', () => {
  it('keeps only the points nothing beats on both cost and risk, safest first', () => {
    const points = [point(100, 0), point(90, 10), point(95, 20), point(80, 50), point(80, 60)];
    expect(paretoFrontier(points)).toEqual([point(100, 0), point(90, 10), point(80, 50)]);
  });
});

describe('costOnFrontier', () => {
  const frontier = [point(100, 0), point(90, 10), point(80, 50)];
  it('interpolates linearly between neighbours', () => {
    expect(costOnFrontier(frontier, 30)).toBeCloseTo(85, 9);
    expect(costOnFrontier(frontier, 10)).toBe(90);
  });
  it('takes the cheapest point beyond the last and refuses below the first', () => {
    expect(costOnFrontier(frontier, 500)).toBe(80);
    expect(costOnFrontier([point(90, 10)], 5)).toBeNull();
    expect(costOnFrontier([], 5)).toBeNull();
  });
});

describe('sweep on the prod example (a short synthetic window)', () => {
  const result = sweep(
    loadSpecFile(DEFAULT_SPEC_FILE),
    syntheticDemand({ peakToTroughRatio: 3, days: 0.25 }, 800),
  );

  it('runs every swept strategy at 5 target utilizations, and the controller at 4 more margins', () => {
    for (const strategy of SWEPT_STRATEGIES) {
      const runs = result.points.filter(each => each.strategy === strategy);
      expect(runs.length).toBe(strategy === 'controller' ? 9 : 5);
    }
  });

  it('reads the headline at the controller’s own over-target minutes', () => {
    const own = result.points.find(
      each =>
        each.strategy === 'controller' &&
        each.targetUtilization === 0.6 &&
        each.scaleInMargin === 0.07,
    );
    expect(result.referenceOverTargetNodeMinutes).toBe(own?.overTargetNodeMinutes);
    const controller = result.headline.find(each => each.strategy === 'controller');
    expect(controller?.ratioToController).toBe(1);
  });

  it('counts over-target minutes against the spec target: planning for more risks more', () => {
    const oracle = result.points.filter(each => each.strategy === 'oracle');
    const at = (target: number) => oracle.find(each => each.targetUtilization === target);
    expect(at(0.6)?.overTargetNodeMinutes).toBe(0);
    expect(at(0.7)?.costWithTransfer).toBeLessThanOrEqual(at(0.6)?.costWithTransfer ?? 0);
  });

  it('draws every run, each frontier and the reference in one chart', () => {
    const spec = sweepChartSpec(result, 'test') as {
      layer: Array<{ data: { values: Array<Record<string, unknown>> }; mark: { type: string } }>;
    };
    const [frontier, runs, reference] = spec.layer;
    expect(frontier.mark.type).toBe('line');
    expect(frontier.data.values).toHaveLength(
      Object.values(result.frontiers).reduce((sum, points) => sum + points.length, 0),
    );
    expect(runs.data.values).toHaveLength(result.points.length);
    expect(reference.data.values).toEqual([{ overTarget: result.referenceOverTargetNodeMinutes }]);
  });
});
