/** The spec rules added for the operations charts: each throws with a message naming path and fix. */
import { SpecError } from '../../spec/errors';
import { parseSpec } from '../../spec/load';
import { specInput } from '../util/specs';

function messages(overrides: Parameters<typeof specInput>[2]): string[] {
  try {
    parseSpec(specInput(3, 2, overrides));
    return [];
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map(i => `${i.path}: ${i.message}`);
    throw error;
  }
}

describe('operations spec rules', () => {
  test('defaults are valid', () => {
    expect(messages({})).toEqual([]);
  });

  test.each([
    [
      { operators: { loadBalancerControllerReplicas: 1 } },
      'operators.loadBalancerControllerReplicas: 1 replica',
    ],
    [
      { drainCleaner: { certificateValidityDays: 30 } },
      'drainCleaner.certificateValidityDays: 30 days is too short',
    ],
    [
      { drainCleaner: { namespace: 'kafka' } },
      'drainCleaner.namespace: "kafka" is also kafka.namespace',
    ],
    [
      { descheduler: { namespace: 'Bad_NS' } },
      'descheduler.namespace: "Bad_NS" is not a DNS-1123 label',
    ],
    [{ monitoring: { brokerMoveStuckMinutes: 1 } }, 'monitoring.brokerMoveStuckMinutes: 1 minutes'],
    [
      { monitoring: { diskFillingPercent: 99 } },
      'monitoring.diskFillingPercent: 99 is out of range',
    ],
    [{ controller: { memoryMi: 32 } }, 'controller.memoryMi: 32 MiB is too little'],
    [
      { gitops: { engine: 'flux', namespace: 'Flux' } },
      'gitops.namespace: "Flux" is not a DNS-1123 label',
    ],
  ] as const)('throws when %j', (overrides, expected) => {
    expect(messages(overrides)).toEqual([expect.stringContaining(expected)]);
  });
});
