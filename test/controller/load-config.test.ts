import { controllerConfigFromSpec } from '../../controller/config';
import { ControllerConfigError, parseControllerConfig } from '../../controller/load-config';
import { loadSpecFile } from '../../spec/load';

describe('controller configuration', () => {
  const built = controllerConfigFromSpec(loadSpecFile('stacks/prod.yaml'));

  test('the builder output survives the ConfigMap JSON round trip and validation', () => {
    expect(parseControllerConfig(JSON.parse(JSON.stringify(built)))).toEqual(built);
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
