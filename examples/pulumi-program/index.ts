/**
 * A Pulumi program that creates the whole platform (VPC, EKS, per-zone Kafka nodegroups, scaling,
 * everything in the cluster) from `platform.yaml` with one component, and exports its outputs.
 */
import { join } from 'node:path';
import { KafkaEksPlatform } from 'kafka-eks-autoscaling/pulumi';
import { loadSpec } from 'kafka-eks-autoscaling/spec';

const platform = new KafkaEksPlatform('kafka', {
  spec: loadSpec(join(__dirname, 'platform.yaml')),
});

export const clusterName = platform.clusterName;
export const kubeconfig = platform.kubeconfig;
export const zones = platform.zones;
export const bootstrapAddress = platform.bootstrapAddress;
