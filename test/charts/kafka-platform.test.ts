/** KafkaPlatform: the whole Kubernetes side added to a user's own cdk8s App. */
import { App, Chart, Testing } from 'cdk8s';
import { KafkaPlatform } from '../../charts/kafka-platform';
import { synthPlatform } from '../../charts/synth';
import { SpecError } from '../../spec/errors';
import { exampleSpec, specInput } from '../util/specs';

describe('KafkaPlatform', () => {
  it('adds exactly the charts and objects that synth writes, beside a chart of the user', () => {
    // GIVEN a user's app with a chart of its own
    const app = Testing.app();
    const own = new Chart(app, 'my-team');
    const loaded = exampleSpec('prod');
    // WHEN the platform is added next to it
    const platform = new KafkaPlatform(app, 'kafka-platform', { spec: loaded });
    // THEN it holds the same components, in the same order, with the same objects
    const expected = synthPlatform(loaded).components;
    expect(platform.components.map(component => component.name)).toEqual(
      expected.map(component => component.name),
    );
    for (const component of expected) {
      expect(platform.chart(component.name)?.toJson()).toEqual(component.objects);
    }
    expect(app.charts).toContain(own);
    expect(app.charts).toHaveLength(expected.length + 1);
    expect(() => app.synth()).not.toThrow();
  });

  it('validates a plain spec object and derives its plan', () => {
    const platform = new KafkaPlatform(new App(), 'platform', { spec: specInput(3, 2) });
    expect(platform.loaded.plan.brokersPerZone).toBe(2);
    expect(platform.chart('kafka')).toBeDefined();
    expect(platform.chart('no-such-component')).toBeUndefined();
  });

  it('throws a SpecError naming the field when a plain spec object is invalid', () => {
    const bad = { ...specInput(3, 2), kafka: { ...specInput(3, 2).kafka, brokers: 7 } };
    expect(() => new KafkaPlatform(new App(), 'platform', { spec: bad })).toThrow(SpecError);
    expect(() => new KafkaPlatform(new App(), 'platform', { spec: bad })).toThrow(/kafka\.brokers/);
  });
});
