/**
 * The platform's charts, in deploy order. Each entry is one component: one cdk8s chart, one output
 * folder under the synth directory, one Pulumi ConfigGroup. Add a component here and it appears in
 * `npm run synth`, `cdk8s synth`, the Pulumi stack and the invariant tests.
 */
import type { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { LoadedSpec } from '../spec/load';
import { KafkaChart } from './kafka-chart';
import { StorageChart } from './storage-chart';

export interface ComponentEntry {
  /** Folder and chart ID, stable: GitOps paths and Pulumi names depend on it. */
  readonly name: string;
  /** One line for the synth summary and the README. */
  readonly description: string;
  /** Builds the chart, or returns undefined when the spec turns the component off. */
  readonly build: (scope: Construct, loaded: LoadedSpec) => Chart | undefined;
}

export const components: readonly ComponentEntry[] = [
  {
    name: 'storage',
    description: 'gp3 StorageClasses (WaitForFirstConsumer, encrypted, expandable, Retain)',
    build: (scope, { spec }) => new StorageChart(scope, 'storage', { spec }),
  },
  {
    name: 'kafka',
    description: 'Kafka namespace, Kafka (KRaft), node pools per zone, topics',
    build: (scope, { spec, plan }) => new KafkaChart(scope, 'kafka', { spec, plan }),
  },
];
