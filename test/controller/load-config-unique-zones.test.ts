/**
 * The controller keys its per-zone memory (ramp samples, level clocks, the forecast history) by
 * zone name and reads each zone's demand by pool name: two zones sharing a zone, pool or node
 * group name would mix one pool's history into another's (the forecast merge keeps held samples
 * of one pool under the other's fresh ones). Such a configuration is refused, naming the field.
 */
import { controllerConfigFromSpec } from '../../controller/config';
import { ControllerConfigError, parseControllerConfig } from '../../controller/load-config';
import { ForecastHistory } from '../../controller/forecast-history';
import { loadSpecFile } from '../../spec/load';

describe('zone, pool and node group names are unique', () => {
  const built = controllerConfigFromSpec(loadSpecFile('stacks/prod.yaml'));

  test.each(['zone', 'poolName', 'nodegroupName'] as const)('a repeated %s is refused', field => {
    expect(built.zones.length).toBeGreaterThan(1);
    const zones = built.zones.map((zone, index) =>
      index === 1 ? { ...zone, [field]: built.zones[0][field] } : zone,
    );
    const parse = () => parseControllerConfig(JSON.parse(JSON.stringify({ ...built, zones })));
    expect(parse).toThrow(ControllerConfigError);
    expect(parse).toThrow(
      new RegExp(`zones\\.1\\.${field}: "${built.zones[0][field]}" is also zones\\.0's`),
    );
  });

  test('the distinct names of the built config pass, and ForecastHistory holds one history a zone', () => {
    const parsed = parseControllerConfig(JSON.parse(JSON.stringify(built)));
    expect(new Set(parsed.zones.map(zone => zone.zone)).size).toBe(parsed.zones.length);
    const history = new ForecastHistory({ queryRange: async () => [] }, parsed);
    expect(parsed.zones.map(zone => history.heldHistory(zone.zone))).toEqual(
      parsed.zones.map(() => []),
    );
  });
});
