/**
 * The team's snapshot tests of its platform templates. When the library is upgraded, review the
 * snapshot diff and run `npx jest -u`.
 */
import { Testing } from 'cdk8s';
import { buildApp, ClientsChart } from '../app';

interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}

describe('the team app', () => {
  const { app, platform } = buildApp(Testing.app());

  it('holds the platform charts beside the team chart', () => {
    const names = app.charts.map(chart => chart.node.id);
    expect(names).toEqual(
      expect.arrayContaining(['storage', 'kafka', 'network-policies', 'clients']),
    );
    expect(platform.components.map(component => component.name)).toContain('kafka');
  });

  it('the team chart matches its snapshot', () => {
    const clients = app.charts.find(chart => chart instanceof ClientsChart);
    expect(clients).toBeDefined();
    expect(Testing.synth(clients!)).toMatchSnapshot();
  });

  it('the platform matches its snapshot (every object, by chart)', () => {
    const byChart = Object.fromEntries(
      platform.components.map(component => [
        component.name,
        (component.chart.toJson() as KubeObject[]).map(object =>
          [object.kind, object.metadata.namespace ?? '-', object.metadata.name].join('/'),
        ),
      ]),
    );
    expect(byChart).toMatchSnapshot();
  });

  it('runs 3 brokers of Kafka in KRaft mode, one node pool per zone', () => {
    const objects = platform.chart('kafka')!.toJson() as KubeObject[];
    const pools = objects.filter(object => object.kind === 'KafkaNodePool');
    const brokerPools = pools.filter(pool =>
      (pool.spec?.['roles'] as string[] | undefined)?.includes('broker'),
    );
    expect(brokerPools).toHaveLength(3);
    expect(brokerPools.map(pool => pool.spec?.['replicas'])).toEqual([1, 1, 1]);
    expect(objects.some(object => object.kind === 'Kafka')).toBe(true);
  });

  it('synthesizes without errors', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
