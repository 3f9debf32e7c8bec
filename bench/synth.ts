/** In-process synth time for the prod example and a 6-zone, 72-broker, 500-topic spec. */
import { synthPlatform } from '../charts/synth';
import { loadSpecFile, parseSpec } from '../spec/load';
import { DEFAULT_SPEC_FILE } from '../stacks/defaults';
import { medianMs, type BenchResult } from './types';

export function largeSpec(): unknown {
  return {
    name: 'large',
    region: 'us-east-1',
    zones: ['a', 'b', 'c', 'd', 'e', 'f'].map(letter => `us-east-1${letter}`),
    kafka: {
      brokers: 72,
      topics: Array.from({ length: 500 }, (_, i) => ({ name: `topic-${i}`, partitions: 24 })),
      external: { enabled: true, allowedCidrs: ['10.0.0.0/8'] },
    },
    nodes: { kafka: { instanceType: 'm6i.4xlarge', minPerZone: 2, maxPerZone: 12 } },
  };
}

export async function run(): Promise<BenchResult[]> {
  const prod = await medianMs(() => synthPlatform(loadSpecFile(DEFAULT_SPEC_FILE)), 10);
  const large = await medianMs(() => synthPlatform(parseSpec(largeSpec())), 5);
  return [
    {
      name: 'synth prod example, first run (ms)',
      value: prod.firstMs,
      unit: 'ms',
      target: '< 1000',
    },
    { name: 'synth prod example, median (ms)', value: prod.medianMs, unit: 'ms', target: '< 1000' },
    {
      name: 'synth 6 zones x 72 brokers x 500 topics, first run (ms)',
      value: large.firstMs,
      unit: 'ms',
      target: '< 3000',
    },
    {
      name: 'synth 6 zones x 72 brokers x 500 topics, median (ms)',
      value: large.medianMs,
      unit: 'ms',
      target: '< 3000',
    },
  ];
}
