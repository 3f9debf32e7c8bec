import { controllerConfigFromSpec } from '../../controller/config';
import { ControllerConfigError, parseControllerConfig } from '../../controller/load-config';
import { loadSpecFile } from '../../spec/load';

describe('controller configuration', () => {
  const built = controllerConfigFromSpec(loadSpecFile('stacks/prod.yaml'));

  test('the builder output survives the ConfigMap JSON round trip and validation', () => {
    expect(parseControllerConfig(JSON.parse(JSON.stringify(built)))).toEqual(built);
  });

  test('a slow decision interval still yields a phase deadline above the staleness limit', () => {
    const loaded = loadSpecFile('stacks/prod.yaml');
    const slow = controllerConfigFromSpec({
      ...loaded,
      spec: { ...loaded.spec, autoscaling: { ...loaded.spec.autoscaling, intervalSeconds: 300 } },
    });
    expect(slow.staleAfterSeconds).toBe(1200);
    expect(slow.operationPhaseTimeoutSeconds).toBe(2400);
    expect(parseControllerConfig(JSON.parse(JSON.stringify(slow)))).toEqual(slow);
    expect(built.operationPhaseTimeoutSeconds).toBe(600);
  });

  test('throws when the phase deadline does not exceed the staleness limit', () => {
    expect(() =>
      parseControllerConfig({ ...built, operationPhaseTimeoutSeconds: built.staleAfterSeconds }),
    ).toThrow(/operationPhaseTimeoutSeconds: 120 must exceed staleAfterSeconds \(120\)/);
  });

  test('throws when the ramp guard horizon is not a positive number of seconds', () => {
    expect(built.rampHorizonSeconds).toBe(180);
    for (const value of [0, -60, 'soon']) {
      expect(() => parseControllerConfig({ ...built, rampHorizonSeconds: value })).toThrow(
        /rampHorizonSeconds/,
      );
    }
  });

  test('the empty-node window defaults to 180 s, never above the full window, and the spec value is carried', () => {
    const loaded = loadSpecFile('stacks/prod.yaml');
    const withAutoscaling = (autoscaling: Partial<typeof loaded.spec.autoscaling>) =>
      controllerConfigFromSpec({
        ...loaded,
        spec: { ...loaded.spec, autoscaling: { ...loaded.spec.autoscaling, ...autoscaling } },
      });
    expect(built.emptyNodeStabilizationSeconds).toBe(180);
    expect(withAutoscaling({ scaleInStabilizationSeconds: 60 }).emptyNodeStabilizationSeconds).toBe(
      60,
    );
    expect(
      withAutoscaling({ emptyNodeStabilizationSeconds: 240 }).emptyNodeStabilizationSeconds,
    ).toBe(240);
  });

  test('throws when the empty-node window is negative, fractional or longer than the full window', () => {
    expect(() => parseControllerConfig({ ...built, emptyNodeStabilizationSeconds: 601 })).toThrow(
      /emptyNodeStabilizationSeconds: 601 is longer than scaleInStabilizationSeconds \(600\).*use at most 600/,
    );
    for (const value of [-1, 1.5, '3m']) {
      expect(() =>
        parseControllerConfig({ ...built, emptyNodeStabilizationSeconds: value }),
      ).toThrow(/emptyNodeStabilizationSeconds/);
    }
    const without: Record<string, unknown> = { ...built };
    delete without.emptyNodeStabilizationSeconds;
    expect(parseControllerConfig(JSON.parse(JSON.stringify(without)))).toEqual(without);
  });

  test('throws naming every bad field', () => {
    const bad = { ...built, targetUtilization: 1.5, balancedNodeCounts: [3, 1], extra: true };
    expect(() => parseControllerConfig(bad)).toThrow(ControllerConfigError);
    try {
      parseControllerConfig(bad);
    } catch (error) {
      const message = String(error);
      expect(message).toMatch(/targetUtilization/);
      expect(message).toMatch(/extra/);
      expect(message).toMatch(/zones\.0\.brokers: 4 brokers cannot spread evenly over 3 nodes/);
    }
  });
});
