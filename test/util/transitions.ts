/**
 * Helpers for tests of `charts/transitions.ts`: the objects synth emits for a spec, and the
 * transition report between two specs as `path: message` lines.
 */
import { synthPlatform, type KubeObject } from '../../charts/synth';
import { transitionReport } from '../../charts/transitions';
import { parseSpec, type PlatformSpecInput } from '../../spec';

/** Every object synth emits for `input`, in component order. */
export function objectsOf(input: PlatformSpecInput): KubeObject[] {
  return synthPlatform(parseSpec(input)).components.flatMap(component => [...component.objects]);
}

/** The problems and warnings of going from `before` to `after`, each as `path: message`. */
export function report(
  before: PlatformSpecInput,
  after: PlatformSpecInput,
): { problems: string[]; warnings: string[] } {
  const { problems, warnings } = transitionReport(
    objectsOf(before),
    objectsOf(after),
    parseSpec(after).spec,
  );
  return {
    problems: problems.map(p => `${p.path}: ${p.message}`),
    warnings: warnings.map(w => `${w.path}: ${w.message}`),
  };
}
