/**
 * Package entry `kafka-eks-autoscaling/cdk8s`: the Kubernetes side. `KafkaPlatform` adds every
 * chart to your cdk8s `App`; the charts are exported one by one too, with the registry that lists
 * them in deploy order and the in-memory synth behind `kafka-eks synth`.
 */
export * from '../charts/kafka-platform';
export * from '../charts/storage-chart';
export * from '../charts/operators-chart';
export * from '../charts/kafka-chart';
export * from '../charts/drain-cleaner-chart';
export * from '../charts/descheduler-chart';
export * from '../charts/autoscaler-chart';
export * from '../charts/monitoring-chart';
export * from '../charts/network-policies-chart';
export { components, type ComponentEntry } from '../charts/registry';
export {
  buildApp,
  objectFileName,
  synthPlatform,
  type KubeObject,
  type SynthComponent,
  type SynthResult,
} from '../charts/synth';
export { writeSynthOutput } from '../charts/output';
