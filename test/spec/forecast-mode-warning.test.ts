/**
 * The forecast floor is part of the controller: enabled in another autoscaling mode it would be
 * dropped without a word, so synth and plan warn, naming the field, the mode and the fix.
 */
import { parseSpec } from '../../spec';
import { specInput } from '../util/specs';

function forecastWarnings(mode: 'controller' | 'target-tracking' | 'off', enabled: boolean) {
  const { warnings } = parseSpec(specInput(3, 4, { autoscaling: { mode, forecast: { enabled } } }));
  return warnings.filter(warning => warning.path === 'autoscaling.forecast.enabled');
}

describe('autoscaling.forecast.enabled outside controller mode', () => {
  it.each(['target-tracking', 'off'] as const)('warns in %s mode, naming the fix', mode => {
    expect(forecastWarnings(mode, true)).toEqual([
      {
        path: 'autoscaling.forecast.enabled',
        message: `true has no effect with autoscaling.mode ${mode}: the forecast floor is part of the controller, which this mode does not deploy; set autoscaling.mode to controller to use it, or set autoscaling.forecast.enabled to false`,
      },
    ]);
  });

  it('does not warn in controller mode, or with the floor off', () => {
    expect(forecastWarnings('controller', true)).toEqual([]);
    expect(forecastWarnings('target-tracking', false)).toEqual([]);
  });
});
